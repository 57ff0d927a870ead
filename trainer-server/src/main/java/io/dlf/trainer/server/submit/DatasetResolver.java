package io.dlf.trainer.server.submit;

import com.google.inject.Inject;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.spec.Quoted;
import io.dlf.proto.trainer.v1.DatasetFiles;
import io.dlf.proto.trainer.v1.DatasetRef;
import io.dlf.server.GrpcErrors;
import io.dlf.server.GrpcErrors.FieldViolation;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DataFormat;
import io.dlf.trainer.data.DatasetCatalog;
import io.dlf.trainer.data.DatasetSchema;
import io.dlf.trainer.data.DatasetSplits;
import io.dlf.trainer.data.GeneratedDatasets;
import io.dlf.trainer.data.HeaderMode;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Turns a request's dataset reference into files under the data roots, checks that the model's
 * features are columns of it, and reads the first rows of each split. A generated dataset is only
 * named and located here: its files are written by the job's worker (see {@link GeneratedDatasets}),
 * and its generator's rows need no check. A derived catalog dataset is quick to write from files of a
 * data root and is written here, once.
 */
public final class DatasetResolver {
  private final DataRoots roots;
  private final GeneratedDatasets generated;

  @Inject
  public DatasetResolver(DataRoots roots, GeneratedDatasets generated) {
    this.roots = roots;
    this.generated = generated;
  }

  /**
   * @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT (with field violations), NOT_FOUND or
   *     PERMISSION_DENIED, each naming the field and the file
   */
  public ResolvedDataset resolve(DatasetRef ref, ModelSpec spec) {
    BadRows badRows = switch (ref.getBadRows()) {
      case BAD_ROWS_UNSPECIFIED, FAIL -> BadRows.FAIL;
      case SKIP -> BadRows.SKIP;
      case UNRECOGNIZED -> throw GrpcErrors.invalidArgument("dataset.bad_rows", "unknown value; expected FAIL or SKIP");
    };
    ResolvedDataset dataset = switch (ref.getSourceCase()) {
      case NAME -> named(ref.getName(), badRows);
      case FILES -> files(ref.getFiles(), badRows);
      case SOURCE_NOT_SET -> throw GrpcErrors.invalidArgument("dataset",
          "required: a registered dataset name (" + String.join(", ", names()) + ") or files");
    };
    checkColumns(dataset.schema(), spec);
    if (dataset.generated().isEmpty()) {
      DataPreflight.check(dataset, ModelPlan.of(spec).fields());
    }
    return dataset;
  }

  private static List<String> names() {
    return Stream.concat(DatasetCatalog.names().stream(), GeneratedDatasets.names().stream()).sorted().toList();
  }

  private ResolvedDataset named(String name, BadRows badRows) {
    if (GeneratedDatasets.has(name)) {
      return generated(name, badRows);
    }
    DatasetCatalog.Entry entry;
    try {
      entry = DatasetCatalog.get(name);
    } catch (IllegalArgumentException e) {
      throw GrpcErrors.notFound("DATASET_NOT_FOUND", "dataset.name: unknown dataset '" + name + "'; known datasets: "
          + String.join(", ", names()));
    }
    List<String> files = List.of(entry.train(), entry.validation(), entry.test());
    Path root = roots.rootHolding(files).orElseThrow(() -> GrpcErrors.notFound("DATASET_NOT_FOUND",
        "dataset.name: '" + name + "' has no files under the data roots " + roots.roots()
            + " (looked for " + files + ")"));
    if (entry.derivation().isEmpty()) {
      return new ResolvedDataset(entry.schema(), entry.splits(root), badRows);
    }
    try {
      return new ResolvedDataset(entry.schema(), generated.derived(name, entry.splits(root), entry.derivation().get()),
          badRows);
    } catch (IOException e) {
      throw unwritable(name, e);
    }
  }

  private ResolvedDataset generated(String name, BadRows badRows) {
    try {
      return new ResolvedDataset(GeneratedDatasets.schema(name), generated.location(name), badRows, Optional.of(name));
    } catch (IllegalArgumentException badRowCount) {
      throw GrpcErrors.invalidArgument("dataset.name", badRowCount.getMessage());
    }
  }

  private static StatusRuntimeException unwritable(String name, IOException e) {
    return GrpcErrors.unavailable("the trainer could not write the dataset '" + name + "' ("
        + e.getMessage() + "); try again once its data folder is writable", Duration.ofSeconds(10));
  }

  private ResolvedDataset files(DatasetFiles files, BadRows badRows) {
    DataFormat format = switch (files.getFormat()) {
      case LIBFM -> DataFormat.LIBFM;
      case CSV -> DataFormat.CSV;
      case TSV -> DataFormat.TSV;
      case FORMAT_UNSPECIFIED, UNRECOGNIZED -> throw GrpcErrors.invalidArgument("dataset.files.format",
          "required: LIBFM, CSV or TSV");
    };
    HeaderMode header = switch (files.getHeader()) {
      case HEADER_UNSPECIFIED, NONE -> HeaderMode.NONE;
      case PRESENT -> HeaderMode.PRESENT;
      case DETECT -> HeaderMode.DETECT;
      case UNRECOGNIZED -> throw GrpcErrors.invalidArgument("dataset.files.header", "unknown value; expected NONE, "
          + "PRESENT or DETECT");
    };
    String label = format == DataFormat.LIBFM && files.getLabel().isEmpty() ? "label" : files.getLabel();
    DatasetSchema schema;
    try {
      schema = new DatasetSchema(format, files.getColumnsList(), label, header, files.getMissingValue());
    } catch (IllegalArgumentException e) {
      throw GrpcErrors.invalidArgument("dataset.files", e.getMessage());
    }
    DatasetSplits splits = new DatasetSplits(
        roots.resolveFile("dataset.files.train", files.getTrain()),
        roots.resolveFile("dataset.files.validation", files.getValidation()),
        roots.resolveFile("dataset.files.test", files.getTest()));
    return new ResolvedDataset(schema, splits, badRows);
  }

  private static void checkColumns(DatasetSchema schema, ModelSpec spec) {
    List<Feature> read = ModelPlan.of(spec).fields();
    List<String> columns = schema.featureColumns();
    List<FieldViolation> violations = new ArrayList<>();
    for (int i = 0; i < spec.features().size(); i++) {
      Feature feature = spec.features().get(i);
      if (read.contains(feature) && !columns.contains(feature.name())) {
        violations.add(new FieldViolation("model_spec.features[" + i + "].name",
            "'" + feature.name() + "' is not a column of the dataset (its feature columns: [" + Quoted.list(columns)
                + "])"));
      }
    }
    if (!violations.isEmpty()) {
      throw GrpcErrors.invalidArgument("the model reads features the dataset does not have", violations);
    }
  }
}
