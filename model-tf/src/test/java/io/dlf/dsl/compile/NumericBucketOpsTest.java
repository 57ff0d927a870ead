package io.dlf.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.dlf.dsl.encode.NumericBuckets;
import io.dlf.dsl.spec.NumericTransform;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * The exported graph gives a raw number the Criteo bucket token the trainer gives it, also on the
 * floats nearest each bucket boundary x = e^sqrt(n), where ln(x)^2 comes closest to an integer.
 */
class NumericBucketOpsTest {

  @Test
  void graphTokensEqualTheTrainersOnEdgesAndBoundaries() {
    List<Float> values = new ArrayList<>(List.of(0f, -0f, 1f, 2f, 2.0001f, Math.nextDown(2f), Math.nextUp(2f), 0.5f,
        -0.5f, -1f, -1.5f, -2f, -3f, 1e-45f, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 1e20f, -1e20f,
        Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3f, 20f, 1_000_000f));
    // ln(Float.MAX_VALUE)^2 is about 7,872: every bucket boundary of a float
    for (int n = 1; n <= 7_872; n++) {
      float x = (float) Math.exp(Math.sqrt(n));
      values.add(x);
      values.add(Math.nextUp(x));
      values.add(Math.nextDown(x));
    }
    Random random = new Random(5);
    for (int i = 0; i < 2_000; i++) {
      values.add(Float.intBitsToFloat(random.nextInt()));
    }
    float[] raw = new float[values.size()];
    String[] expected = new String[raw.length];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = values.get(i);
      expected[i] = NumericBuckets.token(NumericTransform.CRITEO_LOG_SQUARED_BUCKET, raw[i]);
    }
    assertArrayEquals(expected, tokensInGraph(raw));
  }

  private static String[] tokensInGraph(float[] raw) {
    try (Graph graph = new Graph(); Session session = new Session(graph); TFloat32 input = TFloat32.vectorOf(raw)) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class);
      Operand<TString> tokens = NumericBucketOps.criteoTokens(tf, x);
      try (Result r = session.runner().feed(x, input).fetch(tokens).run()) {
        TString out = (TString) r.get(0);
        String[] strings = new String[raw.length];
        for (int i = 0; i < raw.length; i++) {
          strings[i] = out.getObject(i);
        }
        return strings;
      }
    }
  }
}
