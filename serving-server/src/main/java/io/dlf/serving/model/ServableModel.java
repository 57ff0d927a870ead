package io.dlf.serving.model;

import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.spec.Feature;
import java.util.List;

/** One loaded model version as the server uses it: safe to call from several threads at once. */
public interface ServableModel extends AutoCloseable {

  /** The features every example must carry, in the model's field order. */
  List<Feature> inputs();

  /** One click probability per example; the batch carries exactly {@link #inputs()}. */
  float[] predict(RawBatch batch);

  /** What the version's folder says about it. */
  VersionInfo info();

  /** Frees the version's session and memory; no call may follow. */
  @Override
  void close();
}
