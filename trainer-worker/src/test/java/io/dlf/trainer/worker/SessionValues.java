package io.dlf.trainer.worker;

import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;

/** Reads a graph's float values out of a session, for comparing a cluster's state with one process's. */
final class SessionValues {
  private SessionValues() {}

  /** The values of {@code output} (e.g. a variable's read) as {@code session} computes them, flattened. */
  static float[] floats(Session session, String output) {
    try (Result r = session.runner().fetch(output).run()) {
      TFloat32 t = (TFloat32) r.get(0);
      float[] values = new float[Math.toIntExact(t.shape().size())];
      t.asRawTensor().data().asFloats().read(values);
      return values;
    }
  }
}
