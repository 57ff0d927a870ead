package io.dlf.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

class GradientCoverageTest {

  @Test
  void namesTheOpWithoutAGradient() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> w = tf.withName("w").variable(tf.withInitScope().constant(new float[] {3f, 1f, 2f}));
      // TopKV2 has no registered gradient; its int32 indices output must not drag Shape-like ops in.
      Operand<TFloat32> top = tf.withSubScope("block").withName("top").nn.topK(tf.math.mul(w, tf.constant(2f)),
          tf.constant(2), TInt32.class).values();
      Operand<TFloat32> loss = tf.sum(top, tf.constant(0));

      assertEquals(Set.of("block/top (TopKV2)"), GradientCoverage.missingGradients(loss, List.of(w)));
      GraphCompilationException e = assertThrows(GraphCompilationException.class,
          () -> GradientCoverage.check(loss, List.of(w)));
      assertTrue(e.getMessage().contains("block/top (TopKV2)"), e.getMessage());
    }
  }

  @Test
  void differentiableGraphPasses() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> w = tf.withName("w").variable(tf.withInitScope().constant(new float[] {3f, 1f}));
      Operand<TFloat32> loss = tf.sum(tf.nn.softmax(tf.reshape(w, tf.constant(new int[] {1, 2}))), tf.constant(new int[] {0, 1}));
      assertEquals(Set.of(), GradientCoverage.missingGradients(loss, List.of(w)));
    }
  }

  @Test
  void opsPastAStopGradientAreNotDifferentiated() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> w = tf.withName("w").variable(tf.withInitScope().constant(new float[] {3f, 1f, 2f}));
      // a mask ranked by TopK from the variable itself, as MGDIN's pair schedule ranks its scores
      Operand<TFloat32> top = tf.nn.topK(tf.stopGradient(w), tf.constant(2), TInt32.class).values();
      Operand<TFloat32> visible = tf.select(tf.math.greaterEqual(w, tf.min(top, tf.constant(0))), tf.constant(0f),
          tf.constant(-1e9f));
      Operand<TFloat32> loss = tf.sum(tf.nn.softmax(tf.reshape(tf.math.add(w, visible), tf.constant(new int[] {1, 3}))),
          tf.constant(new int[] {0, 1}));
      assertEquals(Set.of(), GradientCoverage.missingGradients(loss, List.of(w)));
      assertEquals(1, g.addGradients(loss.asOutput(), new org.tensorflow.Output<?>[] {w.asOutput()}).length);
    }
  }
}
