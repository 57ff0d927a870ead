package io.dlf.dsl.plan;

import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.FeatureKind;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How much data a job holds in memory: rows of each split, the rows of each embedding table and
 * what building the vocabularies counts. Known once the data is read ({@link #read}); before that,
 * bounded from the files' sizes ({@link #bounded}).
 *
 * @param tableRows embedding rows of each vocabulary, by its owning feature (PAD and OOV included);
 *     hashed features have no vocabulary (their tables' rows come from the spec: {@link
 *     ModelPlan#hashedTableRows()})
 * @param distinctTokens distinct tokens the vocabulary builders count in the training split, before
 *     min_count drops the rare ones
 * @param tokenBytes the bytes of those tokens' text
 */
public record DataSize(long trainRows, long validationRows, long testRows, Map<String, Long> tableRows,
    long distinctTokens, long tokenBytes) {

  /** Vocabulary ids are ints: no table has more rows. */
  public static final long MAX_TABLE_ROWS = Integer.MAX_VALUE;

  public DataSize {
    tableRows = Map.copyOf(tableRows);
  }

  /** The sizes of data that was read: its row counts and vocabulary sizes. */
  public static DataSize read(long trainRows, long validationRows, long testRows, Map<String, Integer> vocabularySizes,
      long tokenBytes) {
    Map<String, Long> rows = new LinkedHashMap<>();
    vocabularySizes.forEach((owner, size) -> rows.put(owner, (long) size));
    long distinct = rows.values().stream().mapToLong(Long::longValue).sum();
    return new DataSize(trainRows, validationRows, testRows, rows, distinct, tokenBytes);
  }

  /**
   * Upper bounds before reading, from each split's most rows and the training split's bytes
   * (uncompressed). Each row adds at most one token per categorical feature to its vocabulary; a
   * sequence feature adds at most {@code trainBytes / (1 + separator length)} tokens over the whole
   * file (each token is at least one character and a separator or line end). A token gets a row
   * only when seen min_count times, so a table has at most {@code occurrences / min_count + 2}
   * rows (PAD and OOV), and never more than {@link #MAX_TABLE_ROWS}. Every distinct token may be
   * counted before min_count applies, and their text is at most the file's bytes. Hashed
   * features count no tokens and have no vocabulary.
   */
  public static DataSize bounded(ModelPlan plan, long trainRows, long trainBytes, long validationRows, long testRows) {
    Map<String, Long> occurrences = new LinkedHashMap<>();
    for (Feature f : plan.fields()) {
      if (!f.hasVocabulary() || plan.spec().feature(f.vocabularyOwner()).isHashed()) {
        continue;
      }
      long tokens = f.kind() == FeatureKind.SEQUENCE ? trainBytes / (1 + f.separator().length()) : trainRows;
      occurrences.merge(f.vocabularyOwner(), tokens, Exact::saturatedSum);
    }
    Map<String, Long> rows = new LinkedHashMap<>();
    long distinct = 0;
    for (Map.Entry<String, Long> e : occurrences.entrySet()) {
      long minCount = plan.spec().feature(e.getKey()).minCount();
      rows.put(e.getKey(), Math.min(e.getValue() / minCount + 2, MAX_TABLE_ROWS));
      distinct = Exact.saturatedSum(distinct, e.getValue());
    }
    return new DataSize(trainRows, validationRows, testRows, rows, distinct, trainBytes);
  }
}
