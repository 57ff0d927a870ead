package io.dlf.trainer.data;

import io.dlf.dsl.spec.Feature;
import io.dlf.trainer.data.CriteoShape.CategoricalColumn;
import io.dlf.trainer.data.CriteoShape.NumericColumn;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.AliasMethodDiscreteSampler;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.apache.commons.rng.sampling.distribution.DiscreteSampler;
import org.apache.commons.rng.sampling.distribution.RejectionInversionZipfSampler;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;

/**
 * A synthetic dataset with Criteo's schema and shape ({@link CriteoShape}: 13 heavy-tailed counts and
 * 26 Zipf-distributed categorical columns with vocabularies from 3 to 10 million, with Criteo's
 * missing rates), of any size, written like the real files: gzip-compressed tab-separated rows of
 * {@code label, I1..I13, C1..C26} without a header, categorical values as 8 hex digits (each
 * column's ranks mapped one-to-one onto 32-bit values).
 *
 * <p>A planted signal, so that a model has something to learn: the click probability is
 * {@code sigmoid(logit)} with
 * <pre>
 * logit = {@value #INTERCEPT}
 *       + sum over C1, C2, C3, C5, C8, C10, C14, C17 of scale * w(column, value)
 *       + {@value #PAIR_SCALE} * w(C6 and C14's pair of values)
 *       + 0.4 * d(I1) - 0.2 * d(I5) + 0.3 * d(I7) + 0.4 * d(I11)
 * </pre>
 * where {@code w} is a hidden weight uniform in [-1, 1] drawn from a hash of the seed, column and
 * value (no table: C3 alone has 10 million values), a missing cell adds nothing, and
 * {@code d(I) = log(1 + I) - log(1 + median of I)}. The intercept puts the click rate near Criteo's
 * (about 25%; the sample has 22%).
 *
 * <p>Rows are streamed: memory does not grow with their number. Each split's rows come from a
 * SplitMix64 generator ({@link SplittableRandom}) seeded {@code seed + 1}, {@code + 2} and
 * {@code + 3}, so the same seed and sizes give the same bytes (gzip at level 1, no timestamp).
 */
public final class CriteoShapedDataset implements DatasetGenerator {
  static final double INTERCEPT = -2.25;
  static final double PAIR_SCALE = 0.8;
  // Categorical columns with a hidden weight per value, and how much it counts.
  private static final List<String> WEIGHTED = List.of("C1", "C2", "C3", "C5", "C8", "C10", "C14", "C17");
  private static final double[] WEIGHT_SCALES = {1.0, 0.8, 0.6, 0.8, 0.6, 0.6, 0.8, 0.8};
  private static final List<String> NUMERIC_EFFECTS = List.of("I1", "I5", "I7", "I11");
  private static final double[] NUMERIC_SLOPES = {0.4, -0.2, 0.3, 0.4};
  private static final List<String> CATEGORICAL_NAMES =
      CriteoShape.CATEGORICAL.stream().map(CategoricalColumn::name).toList();
  private static final int[] WEIGHTED_COLUMNS = indices(CATEGORICAL_NAMES, WEIGHTED);
  private static final int PAIR_FIRST = CATEGORICAL_NAMES.indexOf("C6");
  private static final int PAIR_SECOND = CATEGORICAL_NAMES.indexOf("C14");
  private static final int[] EFFECT_COLUMNS =
      indices(CriteoShape.NUMERIC.stream().map(NumericColumn::name).toList(), NUMERIC_EFFECTS);
  private static final long MISSING = Long.MIN_VALUE;
  // 12 bytes a value: the alias tables of the columns up to this size take about 7 MB together
  private static final int LARGEST_TABLE = 1 << 20;

  private final long seed;

  public CriteoShapedDataset(long seed) {
    this.seed = seed;
  }

  /** The Criteo sample's schema: label, I1..I13, C1..C26, tab-separated, no header. */
  @Override
  public DatasetSchema schema() {
    return DatasetCatalog.get(DatasetCatalog.CRITEO_SAMPLE).schema();
  }

  /** The Criteo sample's features: I1..I13 numeric (log1p), C1..C26 categorical. */
  public List<Feature> features() {
    return DatasetCatalog.get(DatasetCatalog.CRITEO_SAMPLE).features();
  }

  /** How many distinct values each categorical column draws from, C1..C26 in order (what a model sizes its tables by). */
  public static Map<String, Integer> vocabularies() {
    Map<String, Integer> sizes = new LinkedHashMap<>();
    CriteoShape.CATEGORICAL.forEach(column -> sizes.put(column.name(), column.vocabulary()));
    return sizes;
  }

  /** Writes {@code train.tsv.gz}, {@code validation.tsv.gz} and {@code test.tsv.gz} into {@code dir}. */
  @Override
  public DatasetSplits write(Path dir, int trainRows, int validationRows, int testRows, GenerationListener listener)
      throws IOException {
    Files.createDirectories(dir);
    DatasetSplits splits = DatasetSplits.in(dir, ".tsv.gz");
    int[] counts = {trainRows, validationRows, testRows};
    for (int i = 0; i < counts.length; i++) {
      Path file = splits.all().get(i);
      listener.splitStarted(DatasetSplits.NAMES.get(i), file);
      writeRows(new FastGzipOutputStream(Files.newOutputStream(file)), counts[i], seed + 1 + i, listener);
      listener.splitFinished();
    }
    return splits;
  }

  /**
   * A label, 13 counts (a long's 19 digits at most, or a negative one digit), 26 hashed values of 8
   * hex digits, tab-separated, and the line end.
   */
  @Override
  public long maxRowBytes() {
    return 1 + CriteoShape.NUMERIC.size() * (1 + 19L) + CriteoShape.CATEGORICAL.size() * (1 + 8L) + 1;
  }

  /** Writes {@code rows} rows drawn from a generator seeded {@code splitSeed} into {@code out}, and closes it. */
  void writeRows(OutputStream out, int rows, long splitSeed, GenerationListener listener) throws IOException {
    RowDraw draw = new RowDraw(splitSeed);
    try (AsciiOut text = new AsciiOut(out)) {
      for (int r = 0; r < rows; r++) {
        draw.next();
        draw.writeTo(text);
        listener.row();
      }
    }
  }

  /** One row's cells, drawn afresh by {@link #next}: the label depends on all of them, and comes first. */
  private final class RowDraw {
    private final UniformRandomProvider random;
    private final ContinuousSampler gaussian;
    private final DiscreteSampler[] zipf = new DiscreteSampler[CriteoShape.CATEGORICAL.size()];
    private final double[] mu = new double[CriteoShape.NUMERIC.size()];
    private final double[] sigma = new double[CriteoShape.NUMERIC.size()];
    private final int[] salts = new int[CriteoShape.CATEGORICAL.size()];
    // the current row: a count per numeric column (MISSING when missing), a rank per categorical (0 when missing)
    private final long[] counts = new long[CriteoShape.NUMERIC.size()];
    private final int[] ranks = new int[CriteoShape.CATEGORICAL.size()];
    private int label;

    RowDraw(long splitSeed) {
      random = new SplittableRandom(splitSeed)::nextLong;
      gaussian = ZigguratSampler.NormalizedGaussian.of(random);
      for (int c = 0; c < zipf.length; c++) {
        CategoricalColumn column = CriteoShape.CATEGORICAL.get(c);
        zipf[c] = zipf(random, column);
        salts[c] = (int) mix64(seed * 31 + c);
      }
      for (int n = 0; n < mu.length; n++) {
        mu[n] = CriteoShape.NUMERIC.get(n).mu();
        sigma[n] = CriteoShape.NUMERIC.get(n).sigma();
      }
    }

    void next() {
      for (int n = 0; n < counts.length; n++) {
        NumericColumn column = CriteoShape.NUMERIC.get(n);
        if (random.nextDouble() < column.missing()) {
          counts[n] = MISSING;
        } else if (column.negative() > 0 && random.nextDouble() < column.negative()) {
          counts[n] = random.nextInt(10) == 0 ? -2 : -1;
        } else {
          counts[n] = (long) Math.exp(mu[n] + sigma[n] * gaussian.sample());
        }
      }
      for (int c = 0; c < ranks.length; c++) {
        double missing = CriteoShape.CATEGORICAL.get(c).missing();
        ranks[c] = missing > 0 && random.nextDouble() < missing ? 0 : zipf[c].sample();
      }
      label = random.nextDouble() < 1 / (1 + Math.exp(-logit())) ? 1 : 0;
    }

    private double logit() {
      double logit = INTERCEPT;
      for (int i = 0; i < WEIGHTED_COLUMNS.length; i++) {
        int c = WEIGHTED_COLUMNS[i];
        if (ranks[c] > 0) {
          logit += WEIGHT_SCALES[i] * weight(c, ranks[c]);
        }
      }
      if (ranks[PAIR_FIRST] > 0 && ranks[PAIR_SECOND] > 0) {
        logit += PAIR_SCALE * weight(ranks.length, (long) ranks[PAIR_FIRST] << 32 | ranks[PAIR_SECOND]);
      }
      for (int i = 0; i < EFFECT_COLUMNS.length; i++) {
        int n = EFFECT_COLUMNS[i];
        if (counts[n] != MISSING) {
          double median = CriteoShape.NUMERIC.get(n).median();
          logit += NUMERIC_SLOPES[i] * (Math.log1p(Math.max(0, counts[n])) - Math.log1p(median));
        }
      }
      return logit;
    }

    void writeTo(AsciiOut text) throws IOException {
      text.put(label);
      for (long count : counts) {
        text.put('\t');
        if (count != MISSING) {
          text.put(count);
        }
      }
      for (int c = 0; c < ranks.length; c++) {
        text.put('\t');
        if (ranks[c] > 0) {
          text.putHex8(fmix32(ranks[c] ^ salts[c]));
        }
      }
      text.put('\n');
    }
  }

  /**
   * A sampler of a column's ranks 1..vocabulary: an alias table (one random read per value) up to
   * {@value #LARGEST_TABLE} values, else rejection-inversion (a few logarithms per value, no table).
   */
  private static DiscreteSampler zipf(UniformRandomProvider random, CategoricalColumn column) {
    if (column.vocabulary() > LARGEST_TABLE) {
      return RejectionInversionZipfSampler.of(random, column.vocabulary(), column.exponent());
    }
    double[] weights = new double[column.vocabulary()];
    for (int rank = 1; rank <= weights.length; rank++) {
      weights[rank - 1] = Math.pow(rank, -column.exponent());
    }
    DiscreteSampler index = AliasMethodDiscreteSampler.of(random, weights);
    return () -> index.sample() + 1;
  }

  /** A hidden weight in [-1, 1) for a value of a column (a column index past the last for the pair). */
  private double weight(int column, long value) {
    long bits = mix64(mix64(seed ^ ((long) column << 56)) ^ value);
    return (bits >>> 11) * 0x1.0p-52 - 1;
  }

  private static int[] indices(List<String> names, List<String> wanted) {
    return wanted.stream().mapToInt(names::indexOf).toArray();
  }

  /** SplitMix64's finalizer: a well-mixed 64-bit hash. */
  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** MurmurHash3's 32-bit finalizer: a bijection, so distinct ranks give distinct values. */
  private static int fmix32(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }

  /** gzip at level 1, the fastest: the files are written once, for a run of tens of millions of rows. */
  private static final class FastGzipOutputStream extends GZIPOutputStream {
    FastGzipOutputStream(OutputStream out) throws IOException {
      super(out, AsciiOut.BUFFER_BYTES);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }
}
