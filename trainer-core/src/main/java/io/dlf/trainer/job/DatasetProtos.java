package io.dlf.trainer.job;

import io.dlf.proto.trainer.v1.DatasetFiles;
import io.dlf.proto.trainer.v1.DatasetRef;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DataFormat;
import io.dlf.trainer.data.DatasetSchema;
import io.dlf.trainer.data.DatasetSplits;
import io.dlf.trainer.data.HeaderMode;
import java.nio.file.Path;

/**
 * A dataset as the trainer resolved it (a registered or generated name become files), in the form
 * its worker receives it: the request's own DatasetRef, with absolute paths; and back.
 */
public final class DatasetProtos {
  private DatasetProtos() {}

  public static DatasetRef toProto(DatasetSchema schema, DatasetSplits splits, BadRows badRows) {
    DatasetFiles files = DatasetFiles.newBuilder()
        .setFormat(switch (schema.format()) {
          case LIBFM -> DatasetFiles.Format.LIBFM;
          case CSV -> DatasetFiles.Format.CSV;
          case TSV -> DatasetFiles.Format.TSV;
        })
        .addAllColumns(schema.columns())
        .setLabel(schema.label())
        .setHeader(switch (schema.header()) {
          case NONE -> DatasetFiles.Header.NONE;
          case PRESENT -> DatasetFiles.Header.PRESENT;
          case DETECT -> DatasetFiles.Header.DETECT;
        })
        .setMissingValue(schema.missingValue())
        .setTrain(splits.train().toAbsolutePath().toString())
        .setValidation(splits.validation().toAbsolutePath().toString())
        .setTest(splits.test().toAbsolutePath().toString())
        .build();
    return DatasetRef.newBuilder().setFiles(files)
        .setBadRows(badRows == BadRows.SKIP ? DatasetRef.BadRows.SKIP : DatasetRef.BadRows.FAIL).build();
  }

  public static DatasetSchema schema(DatasetRef dataset) {
    DatasetFiles files = dataset.getFiles();
    DataFormat format = switch (files.getFormat()) {
      case LIBFM -> DataFormat.LIBFM;
      case CSV -> DataFormat.CSV;
      case TSV -> DataFormat.TSV;
      case FORMAT_UNSPECIFIED, UNRECOGNIZED -> throw new IllegalArgumentException("no dataset format: " + dataset);
    };
    HeaderMode header = switch (files.getHeader()) {
      case NONE -> HeaderMode.NONE;
      case PRESENT -> HeaderMode.PRESENT;
      case DETECT -> HeaderMode.DETECT;
      case HEADER_UNSPECIFIED, UNRECOGNIZED -> throw new IllegalArgumentException("no header mode: " + dataset);
    };
    return new DatasetSchema(format, files.getColumnsList(), files.getLabel(), header, files.getMissingValue());
  }

  public static DatasetSplits splits(DatasetRef dataset) {
    DatasetFiles files = dataset.getFiles();
    return new DatasetSplits(Path.of(files.getTrain()), Path.of(files.getValidation()), Path.of(files.getTest()));
  }

  public static BadRows badRows(DatasetRef dataset) {
    return dataset.getBadRows() == DatasetRef.BadRows.SKIP ? BadRows.SKIP : BadRows.FAIL;
  }
}
