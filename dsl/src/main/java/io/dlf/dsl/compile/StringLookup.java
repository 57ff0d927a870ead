package io.dlf.dsl.compile;

import io.dlf.dsl.encode.Vocabulary;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * Raw string to vocabulary id inside the graph, with stateless ops only (no lookup tables, which
 * TF Java cannot save): each string's 63-bit fingerprint is searched in the vocabulary's sorted
 * fingerprints, and a miss is the OOV id. So an exported model encodes raw values itself.
 */
final class StringLookup {
  /** StringToHashBucketFast computes {@code Fingerprint64(s) mod buckets}; this keeps 63 bits. */
  static final long BUCKETS = Long.MAX_VALUE;

  private final long[] sortedHashes;
  private final int[] idsInHashOrder;
  private final int oov;

  private StringLookup(long[] sortedHashes, int[] idsInHashOrder, int oov) {
    this.sortedHashes = sortedHashes;
    this.idsInHashOrder = idsInHashOrder;
    this.oov = oov;
  }

  /** Fingerprints the vocabulary's tokens with the same TensorFlow op the graph will run. */
  static StringLookup of(Vocabulary vocabulary) {
    List<String> tokens = vocabulary.tokens();
    long[] hashes = fingerprints(tokens);
    Integer[] order = new Integer[tokens.size()];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingLong(i -> hashes[i]));
    long[] sorted = new long[order.length];
    int[] ids = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      sorted[i] = hashes[order[i]];
      ids[i] = order[i] + 1;
      if (i > 0 && sorted[i] == sorted[i - 1]) {
        throw new GraphCompilationException("tokens '" + tokens.get(order[i - 1]) + "' and '" + tokens.get(order[i])
            + "' of feature '" + vocabulary.feature() + "' have the same 63-bit fingerprint");
      }
    }
    return new StringLookup(sorted, ids, vocabulary.oovId());
  }

  private static long[] fingerprints(List<String> tokens) {
    if (tokens.isEmpty()) {
      return new long[0];
    }
    try (Graph g = new Graph(); Session s = new Session(g);
        TString input = TString.tensorOf(NdArrays.vectorOfObjects(tokens.toArray(String[]::new)))) {
      Ops tf = Ops.create(g);
      var placeholder = tf.placeholder(TString.class);
      var hashed = tf.strings.toHashBucketFast(placeholder, BUCKETS);
      try (Result r = s.runner().feed(placeholder, input).fetch(hashed).run()) {
        TInt64 out = (TInt64) r.get(0);
        long[] values = new long[tokens.size()];
        for (int i = 0; i < values.length; i++) {
          values[i] = out.getLong(i);
        }
        return values;
      }
    }
  }

  /**
   * Ids of {@code raw} (any shape). With {@code emptyIsPadding}, the empty string maps to
   * {@link Vocabulary#PAD} (sequence padding); otherwise it is looked up like any value.
   */
  Operand<TInt32> lookup(Ops tf, Operand<TString> raw, boolean emptyIsPadding) {
    Operand<TInt32> shape = tf.shape(raw);
    Operand<TString> flat = tf.reshape(raw, tf.constant(new int[] {-1}));
    Operand<TInt32> ids;
    if (sortedHashes.length == 0) {
      ids = tf.fill(tf.shape(flat), tf.constant(oov));
    } else {
      Operand<TInt64> hashes = tf.strings.toHashBucketFast(flat, BUCKETS);
      Operand<TInt64> sorted = tf.constant(sortedHashes);
      Operand<TInt32> position = tf.reshape(
          tf.lowerBound(tf.reshape(sorted, tf.constant(new int[] {1, -1})), tf.reshape(hashes, tf.constant(new int[] {1, -1}))),
          tf.constant(new int[] {-1}));
      Operand<TInt32> clipped = tf.math.minimum(position, tf.constant(sortedHashes.length - 1));
      Operand<TBool> found = tf.math.equal(tf.gather(sorted, clipped, tf.constant(0)), hashes);
      ids = tf.select(found, tf.gather(tf.constant(idsInHashOrder), clipped, tf.constant(0)), tf.constant(oov));
    }
    if (emptyIsPadding) {
      ids = tf.select(tf.math.equal(flat, tf.constant("")), tf.constant(Vocabulary.PAD), ids);
    }
    return tf.reshape(ids, shape);
  }

}
