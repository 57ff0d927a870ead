package io.dlf.dsl.compile;

import io.dlf.dsl.encode.HashBuckets;
import io.dlf.dsl.encode.TableIds;
import io.dlf.dsl.encode.TokenIds;
import io.dlf.dsl.encode.Vocabulary;
import io.dlf.dsl.spec.Feature;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Stack;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;

/**
 * Raw tokens to table ids inside the serving graph, by the rules the trainer encodes with
 * ({@link TokenIds}): vocabulary features through one {@link StringLookup}, hashed features by
 * StringToHashBucketFast, which computes {@link HashBuckets#bucket} in TensorFlow.
 */
final class RawEncoder {
  private final Ops tf;
  private final TableIds tables;
  private final List<Vocabulary> vocabularies;
  private final StringLookup lookup;

  RawEncoder(Ops tf, TableIds tables) {
    this.tf = tf;
    this.tables = tables;
    this.vocabularies = tables.byOwner().values().stream()
        .filter(Vocabulary.class::isInstance).map(Vocabulary.class::cast).toList();
    this.lookup = vocabularies.isEmpty() ? null : StringLookup.of(tf, vocabularies);
  }

  /** {@code [B, C]} ids of the categorical columns {@code tokens} ({@code [B]} each) of {@code features}. */
  Operand<TInt32> categorical(List<Feature> features, List<Operand<TString>> tokens) {
    List<Operand<TString>> vocabularyTokens = new ArrayList<>();
    List<Integer> vocabularyNumbers = new ArrayList<>();
    List<Operand<TInt32>> hashedIds = new ArrayList<>();
    // position of each column in [vocabulary columns..., hashed columns...]
    int[] grouped = new int[features.size()];
    List<Integer> hashedColumns = new ArrayList<>();
    for (int c = 0; c < features.size(); c++) {
      TokenIds ids = tables.of(features.get(c));
      if (ids instanceof HashBuckets buckets) {
        hashedColumns.add(c);
        hashedIds.add(hashed(tokens.get(c), buckets, false));
      } else {
        grouped[c] = vocabularyTokens.size();
        vocabularyTokens.add(tokens.get(c));
        vocabularyNumbers.add(vocabularies.indexOf((Vocabulary) ids));
      }
    }
    for (int h = 0; h < hashedColumns.size(); h++) {
      grouped[hashedColumns.get(h)] = vocabularyTokens.size() + h;
    }
    List<Operand<TInt32>> groups = new ArrayList<>();
    if (!vocabularyTokens.isEmpty()) {
      groups.add(lookup.lookup(tf.stack(vocabularyTokens, Stack.axis(1L)),
          vocabularyNumbers.stream().mapToInt(Integer::intValue).toArray(), false));
    }
    if (!hashedIds.isEmpty()) {
      groups.add(tf.stack(hashedIds, Stack.axis(1L)));
    }
    Operand<TInt32> ids = groups.size() == 1 ? groups.get(0) : tf.concat(groups, tf.constant(1));
    return hashedColumns.isEmpty() || vocabularyTokens.isEmpty() ? ids
        : tf.gather(ids, tf.constant(grouped), tf.constant(1));
  }

  /** {@code [B, L]} ids of a sequence's tokens, "" (padding) as {@link Vocabulary#PAD}. */
  Operand<TInt32> sequence(Feature feature, Operand<TString> tokens) {
    TokenIds ids = tables.of(feature);
    return ids instanceof HashBuckets buckets ? hashed(tokens, buckets, true)
        : lookup.lookup(tokens, new int[] {vocabularies.indexOf((Vocabulary) ids)}, true);
  }

  private Operand<TInt32> hashed(Operand<TString> tokens, HashBuckets buckets, boolean emptyIsPadding) {
    Operand<TInt32> ids = tf.math.add(
        tf.dtypes.cast(tf.strings.toHashBucketFast(tokens, (long) buckets.buckets()), TInt32.class), tf.constant(1));
    return emptyIsPadding ? tf.select(tf.math.equal(tokens, tf.constant("")), tf.constant(Vocabulary.PAD), ids) : ids;
  }
}
