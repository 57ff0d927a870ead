package io.dlf.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dlf.dsl.encode.HashBuckets;
import io.dlf.dsl.encode.TableIds;
import io.dlf.dsl.encode.Vocabularies;
import io.dlf.dsl.encode.Vocabulary;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.DeepFmBackbone;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * The trainer hashes in Java what the exported graph hashes with StringToHashBucketFast: Guava's
 * FarmHash Fingerprint64 is TensorFlow's, on every length class FarmHash treats apart (0-16,
 * 17-32, 33-64, longer), on non-ASCII text and on long values.
 */
class HashBucketsTest {

  static List<String> strings() {
    List<String> out = new ArrayList<>(List.of("", " ", "a", "0", "-1", "user_42", "ça", "日本語のテキスト",
        "emoji \uD83D\uDE00 and more \uD83C\uDF89", "tab\tand\nnewline", "\u0000nul"));
    Random random = new Random(22);
    for (int length = 1; length <= 130; length++) {
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < length; i++) {
        s.append((char) (random.nextInt(4) == 0 ? 0x400 + random.nextInt(0x100) : 'a' + random.nextInt(26)));
      }
      out.add(s.toString());
    }
    out.add("x".repeat(10_000));
    out.add("long é".repeat(20_000));
    return out;
  }

  @Test
  void javaFingerprintsAreTensorFlowsFingerprint64() {
    List<String> strings = strings();
    // Fingerprint64 mod (2^63 - 1) and mod 2 together determine all 64 bits
    for (long buckets : new long[] {Long.MAX_VALUE, 2}) {
      long[] expected = strings.stream().mapToLong(s -> Long.remainderUnsigned(HashBuckets.fingerprint(s), buckets))
          .toArray();
      assertArrayEquals(expected, hashInGraph(strings, tf -> raw -> tf.strings.toHashBucketFast(raw, buckets)),
          "mod " + buckets);
    }
  }

  @Test
  void bucketsAreStringToHashBucketFastsAtAnyCount() {
    List<String> strings = strings();
    for (int buckets : new int[] {3, 1_000, 10_000_000, 1_000_000_000}) {
      HashBuckets hashed = new HashBuckets("id", buckets);
      long[] expected = strings.stream().mapToLong(hashed::bucket).toArray();
      assertArrayEquals(expected, hashInGraph(strings, tf -> raw -> tf.strings.toHashBucketFast(raw, (long) buckets)),
          buckets + " buckets");
    }
  }

  /** Vocabulary and hashed columns side by side, and a hashed sequence with padding, get the trainer's ids. */
  @Test
  void servingEncodesMixedColumnsAsTheTrainerDoes() {
    ModelSpec spec = ModelSpec.builder("mixed").categorical("city")
        .feature(Feature.categorical("item").hashBuckets(50))
        .categorical("user")
        .feature(Feature.sequence("history", 3).vocabularyFrom("item"))
        .backbone(DeepFmBackbone.bars()).build();
    ModelPlan plan = ModelPlan.of(spec);
    Vocabularies vocabularies = new Vocabularies(Map.of(
        "city", new Vocabulary("city", 1, List.of("paris", "rome")),
        "user", new Vocabulary("user", 1, List.of("u1", "u2", "u3"))));
    TableIds tables = TableIds.of(plan, vocabularies);
    String[][] rows = {{"rome", "i9", "u3"}, {"atlantis", "", "u1"}, {"paris", "i12345", "nobody"}};
    String[][] histories = {{"i1", "i9", ""}, {"", "", ""}, {"i12345", "x", "y"}};
    List<Feature> categorical = List.of(spec.feature("city"), spec.feature("item"), spec.feature("user"));
    int[] expected = new int[9];
    int[] expectedHistory = new int[9];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        expected[r * 3 + c] = tables.of(categorical.get(c)).id(rows[r][c]);
        String token = histories[r][c];
        expectedHistory[r * 3 + c] = token.isEmpty() ? Vocabulary.PAD : tables.of(spec.feature("history")).id(token);
      }
    }
    try (Graph graph = new Graph(); Session session = new Session(graph);
        TString columns = TString.tensorOf(Shape.of(3, 3), DataBuffers.ofObjects(flat(rows)));
        TString history = TString.tensorOf(Shape.of(3, 3), DataBuffers.ofObjects(flat(histories)))) {
      Ops tf = Ops.create(graph);
      RawEncoder encoder = new RawEncoder(tf, tables);
      Placeholder<TString> columnsIn = tf.placeholder(TString.class);
      Placeholder<TString> historyIn = tf.placeholder(TString.class);
      List<Operand<TString>> perColumn = new ArrayList<>();
      for (int c = 0; c < 3; c++) {
        perColumn.add(tf.gather(columnsIn, tf.constant(c), tf.constant(1)));
      }
      Operand<TInt32> ids = encoder.categorical(categorical, perColumn);
      Operand<TInt32> historyIds = encoder.sequence(spec.feature("history"), historyIn);
      try (Result r = session.runner().feed(columnsIn, columns).feed(historyIn, history).fetch(ids).fetch(historyIds)
          .run()) {
        assertArrayEquals(expected, ints((TInt32) r.get(0), 9));
        assertArrayEquals(expectedHistory, ints((TInt32) r.get(1), 9));
      }
    }
    assertEquals(51, tables.of(spec.feature("history")).size());
  }

  private static String[] flat(String[][] rows) {
    return Arrays.stream(rows).flatMap(Arrays::stream).toArray(String[]::new);
  }

  private static int[] ints(TInt32 tensor, int size) {
    int[] out = new int[size];
    tensor.asRawTensor().data().asInts().read(out);
    return out;
  }

  private static long[] hashInGraph(List<String> strings, Function<Ops, Function<Operand<TString>, Operand<TInt64>>> op) {
    try (Graph graph = new Graph(); Session session = new Session(graph);
        TString input = TString.tensorOf(NdArrays.vectorOfObjects(strings.toArray(String[]::new)))) {
      Ops tf = Ops.create(graph);
      Placeholder<TString> raw = tf.placeholder(TString.class);
      Operand<TInt64> hashed = op.apply(tf).apply(raw);
      try (Result r = session.runner().feed(raw, input).fetch(hashed).run()) {
        long[] out = new long[strings.size()];
        ((TInt64) r.get(0)).asRawTensor().data().asLongs().read(out);
        return out;
      }
    }
  }
}
