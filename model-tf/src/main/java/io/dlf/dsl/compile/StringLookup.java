package io.dlf.dsl.compile;

import io.dlf.dsl.encode.Vocabulary;
import java.util.ArrayList;
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
 * Raw strings to vocabulary ids inside the graph, with stateless ops only (no lookup tables, which
 * TF Java cannot save), for several vocabularies at once: a string's key is its 63-bit fingerprint
 * with the top bits replaced by its vocabulary's number, every vocabulary's keys sit in one sorted
 * array, and a string is one search in it; a miss is its vocabulary's OOV id. So an exported model
 * encodes raw values itself, and all categorical columns in about a dozen ops, however many.
 */
final class StringLookup {
  /** StringToHashBucketFast computes {@code Fingerprint64(s) mod buckets}; this keeps 63 bits. */
  static final long BUCKETS = Long.MAX_VALUE;

  private final Ops tf;
  private final List<Vocabulary> vocabularies;
  private final int tagBits;
  /** Every vocabulary's keys in ascending order, then {@link Long#MAX_VALUE}, which no key reaches. */
  private final Operand<TInt64> sortedKeys;
  private final Operand<TInt32> idsInKeyOrder;

  private StringLookup(Ops tf, List<Vocabulary> vocabularies, int tagBits, long[] sortedKeys, int[] idsInKeyOrder) {
    this.tf = tf;
    this.vocabularies = vocabularies;
    this.tagBits = tagBits;
    // one copy of the table in the graph, however many inputs are looked up in it
    this.sortedKeys = tf.constant(sortedKeys);
    this.idsInKeyOrder = tf.constant(idsInKeyOrder);
  }

  /**
   * Fingerprints the vocabularies' tokens with the same TensorFlow op the graph will run, and puts
   * the table into {@code tf}'s graph. Vocabulary v is number v in {@link #lookup}. Throws when two
   * tokens of one vocabulary share a key.
   */
  static StringLookup of(Ops tf, List<Vocabulary> vocabularies) {
    // enough bits that the largest number, shifted to the top, still leaves every key below Long.MAX_VALUE
    int tagBits = 64 - Long.numberOfLeadingZeros(vocabularies.size());
    List<Long> keys = new ArrayList<>();
    List<Integer> ids = new ArrayList<>();
    for (int v = 0; v < vocabularies.size(); v++) {
      List<String> tokens = vocabularies.get(v).tokens();
      long[] hashes = fingerprints(tokens);
      Integer[] order = new Integer[tokens.size()];
      Arrays.setAll(order, i -> i);
      long tag = (long) v << (63 - tagBits);
      Arrays.sort(order, Comparator.comparingLong(i -> key(tag, hashes[i], tagBits)));
      for (int i = 0; i < order.length; i++) {
        long key = key(tag, hashes[order[i]], tagBits);
        if (i > 0 && key == keys.get(keys.size() - 1)) {
          throw new GraphCompilationException("tokens '" + tokens.get(order[i - 1]) + "' and '" + tokens.get(order[i])
              + "' of feature '" + vocabularies.get(v).feature() + "' have the same " + (63 - tagBits)
              + "-bit fingerprint");
        }
        keys.add(key);
        ids.add(order[i] + 1);
      }
    }
    keys.add(Long.MAX_VALUE);
    ids.add(0);
    return new StringLookup(tf, List.copyOf(vocabularies), tagBits, keys.stream().mapToLong(Long::longValue).toArray(),
        ids.stream().mapToInt(Integer::intValue).toArray());
  }

  private static long key(long tag, long hash, int tagBits) {
    return tag | (hash >>> tagBits);
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
   * Ids of {@code raw}, any shape whose last axis has one entry per element of {@code columns}
   * (the vocabulary number of each column), or has any length when {@code columns} has one element.
   * With {@code emptyIsPadding}, the empty string maps to {@link Vocabulary#PAD} (sequence
   * padding); otherwise it is looked up like any value.
   */
  Operand<TInt32> lookup(Operand<TString> raw, int[] columns, boolean emptyIsPadding) {
    long[] tags = new long[columns.length];
    int[] oov = new int[columns.length];
    for (int c = 0; c < columns.length; c++) {
      tags[c] = (long) columns[c] << (63 - tagBits);
      oov[c] = vocabularies.get(columns[c]).oovId();
    }
    Operand<TInt64> hashes = tf.strings.toHashBucketFast(raw, BUCKETS);
    Operand<TInt64> keys = tf.bitwise.bitwiseOr(tf.bitwise.rightShift(hashes, tf.constant((long) tagBits)),
        tf.constant(tags));
    // the search takes rows of values against rows of sorted keys: all keys as one row
    Operand<TInt32> position = tf.reshape(tf.lowerBound(tf.reshape(sortedKeys, tf.constant(new int[] {1, -1})),
        tf.reshape(keys, tf.constant(new int[] {1, -1}))), tf.shape(keys));
    Operand<TBool> found = tf.math.equal(tf.gather(sortedKeys, position, tf.constant(0)), keys);
    Operand<TInt32> ids = tf.select(found, tf.gather(idsInKeyOrder, position, tf.constant(0)),
        tf.constant(oov));
    if (emptyIsPadding) {
      ids = tf.select(tf.math.equal(raw, tf.constant("")), tf.constant(Vocabulary.PAD), ids);
    }
    return ids;
  }
}
