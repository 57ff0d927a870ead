package io.dlf.serving.model;

import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.export.ExportedModel;
import io.dlf.dsl.spec.Feature;
import io.dlf.proto.model.v1.TrainingMetrics;
import java.util.List;
import java.util.Locale;

/** A version served by its TensorFlow SavedModel session. */
final class TensorFlowModel implements ServableModel {
  private final ExportedModel exported;
  private final VersionInfo info;

  TensorFlowModel(ExportedModel exported) {
    this.exported = exported;
    TrainingMetrics metrics = exported.metrics();
    this.info = new VersionInfo(exported.manifest().getCreatedAt(),
        metrics.hasTest() ? metrics.getTest().getAuc() : Double.NaN,
        metrics.hasTest() ? metrics.getTest().getLogloss() : Double.NaN,
        exported.precision().name().toLowerCase(Locale.ROOT));
  }

  @Override
  public List<Feature> inputs() {
    return exported.inputs();
  }

  @Override
  public float[] predict(RawBatch batch) {
    return exported.predict(batch);
  }

  @Override
  public VersionInfo info() {
    return info;
  }

  @Override
  public void close() {
    exported.close();
  }
}
