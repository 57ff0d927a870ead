package io.dlf.trainer.server.submit;

import io.dlf.dsl.spec.Quoted;
import io.dlf.proto.trainer.v1.DatasetFiles;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.dlf.server.GrpcErrors.FieldViolation;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The longest each string of a job request outside the model spec may be (the spec's own are the
 * spec validator's), as trainer.proto documents them. Messages quote a refused value cut short.
 */
final class RequestLimits {
  /** request_id: characters, each printable ASCII other than space. */
  static final int REQUEST_ID_LENGTH = 128;
  /** dataset.name: characters (the registered names are far shorter). */
  static final int DATASET_NAME_LENGTH = 64;
  /** dataset.files.columns: entries. */
  static final int COLUMNS = 1_000;
  /** dataset.files.columns[i] and dataset.files.label: characters. */
  static final int COLUMN_LENGTH = 128;
  /** dataset.files.missing_value: characters. */
  static final int MISSING_VALUE_LENGTH = 64;
  /** dataset.files.train, validation and test: characters. */
  static final int PATH_LENGTH = 1_024;

  private static final Pattern REQUEST_ID = Pattern.compile("[\\x21-\\x7e]+");

  private RequestLimits() {}

  /** Adds a violation for each string of {@code request} beyond its limit. */
  static void check(SubmitJobRequest request, List<FieldViolation> violations) {
    String id = request.getRequestId();
    if (id.length() > REQUEST_ID_LENGTH) {
      violations.add(tooLong("request_id", id, REQUEST_ID_LENGTH));
    } else if (!id.isEmpty() && !REQUEST_ID.matcher(id).matches()) {
      violations.add(new FieldViolation("request_id", Quoted.of(id)
          + " must be printable ASCII without spaces (letters, digits, punctuation)"));
    }
    length(violations, "dataset.name", request.getDataset().getName(), DATASET_NAME_LENGTH);
    DatasetFiles files = request.getDataset().getFiles();
    if (files.getColumnsCount() > COLUMNS) {
      violations.add(new FieldViolation("dataset.files.columns", Quoted.count(files.getColumnsCount())
          + " columns must be at most " + Quoted.count(COLUMNS)));
    } else {
      for (int i = 0; i < files.getColumnsCount(); i++) {
        length(violations, "dataset.files.columns[" + i + "]", files.getColumns(i), COLUMN_LENGTH);
      }
    }
    length(violations, "dataset.files.label", files.getLabel(), COLUMN_LENGTH);
    length(violations, "dataset.files.missing_value", files.getMissingValue(), MISSING_VALUE_LENGTH);
    length(violations, "dataset.files.train", files.getTrain(), PATH_LENGTH);
    length(violations, "dataset.files.validation", files.getValidation(), PATH_LENGTH);
    length(violations, "dataset.files.test", files.getTest(), PATH_LENGTH);
  }

  private static void length(List<FieldViolation> violations, String field, String value, int max) {
    if (value.length() > max) {
      violations.add(tooLong(field, value, max));
    }
  }

  private static FieldViolation tooLong(String field, String value, int max) {
    return new FieldViolation(field, Quoted.of(value) + " must be at most " + Quoted.count(max) + " characters");
  }
}
