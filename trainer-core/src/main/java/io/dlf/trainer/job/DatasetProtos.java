package io.dlf.trainer.job;

import io.dlf.proto.train.v1.ResolvedDataset;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DataFormat;
import io.dlf.trainer.data.DatasetSchema;
import io.dlf.trainer.data.DatasetSplits;
import io.dlf.trainer.data.HeaderMode;
import java.nio.file.Path;

/** A dataset as the trainer resolved it, in the form its worker receives it, and back. */
public final class DatasetProtos {
  private DatasetProtos() {}

  public static ResolvedDataset toProto(DatasetSchema schema, DatasetSplits splits, BadRows badRows) {
    return ResolvedDataset.newBuilder()
        .setFormat(switch (schema.format()) {
          case LIBFM -> ResolvedDataset.Format.LIBFM;
          case CSV -> ResolvedDataset.Format.CSV;
          case TSV -> ResolvedDataset.Format.TSV;
        })
        .addAllColumns(schema.columns())
        .setLabel(schema.label())
        .setHeader(switch (schema.header()) {
          case NONE -> ResolvedDataset.Header.NONE;
          case PRESENT -> ResolvedDataset.Header.PRESENT;
          case DETECT -> ResolvedDataset.Header.DETECT;
        })
        .setMissingValue(schema.missingValue())
        .setTrain(splits.train().toAbsolutePath().toString())
        .setValidation(splits.validation().toAbsolutePath().toString())
        .setTest(splits.test().toAbsolutePath().toString())
        .setSkipBadRows(badRows == BadRows.SKIP)
        .build();
  }

  public static DatasetSchema schema(ResolvedDataset dataset) {
    DataFormat format = switch (dataset.getFormat()) {
      case LIBFM -> DataFormat.LIBFM;
      case CSV -> DataFormat.CSV;
      case TSV -> DataFormat.TSV;
      case FORMAT_UNSPECIFIED, UNRECOGNIZED -> throw new IllegalArgumentException("no dataset format: " + dataset);
    };
    HeaderMode header = switch (dataset.getHeader()) {
      case NONE -> HeaderMode.NONE;
      case PRESENT -> HeaderMode.PRESENT;
      case DETECT -> HeaderMode.DETECT;
      case HEADER_UNSPECIFIED, UNRECOGNIZED -> throw new IllegalArgumentException("no header mode: " + dataset);
    };
    return new DatasetSchema(format, dataset.getColumnsList(), dataset.getLabel(), header, dataset.getMissingValue());
  }

  public static DatasetSplits splits(ResolvedDataset dataset) {
    return new DatasetSplits(Path.of(dataset.getTrain()), Path.of(dataset.getValidation()), Path.of(dataset.getTest()));
  }

  public static BadRows badRows(ResolvedDataset dataset) {
    return dataset.getSkipBadRows() ? BadRows.SKIP : BadRows.FAIL;
  }
}
