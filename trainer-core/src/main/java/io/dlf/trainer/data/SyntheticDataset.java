package io.dlf.trainer.data;

import io.dlf.dsl.spec.Feature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates a labelled dataset for any list of features, with a known signal, as tab-separated
 * files with a header: for a first run anywhere and for scale tests.
 *
 * <p>Categorical and sequence tokens follow a Zipf-like popularity; numeric values are log-normal
 * counts with 5% missing. The click logit is a sum of per-token weights, a log-scaled effect per
 * numeric feature and one pairwise interaction between the first two categorical features (when
 * there are two), so a model that learns interactions beats one that does not.
 */
public final class SyntheticDataset implements DatasetGenerator {
  private static final int VOCABULARY = 100;
  private static final double ZIPF = 1.1;
  /** The digits of the largest long: a count is a double cast to long. */
  private static final int LONGEST_COUNT = 19;

  private final List<Feature> features;
  private final long seed;
  private final double[][] weights;
  private final double[] cumulative;

  public SyntheticDataset(List<Feature> features, long seed) {
    this.features = List.copyOf(features);
    this.seed = seed;
    Random random = new Random(seed);
    this.weights = new double[features.size()][VOCABULARY + 1];
    for (double[] w : weights) {
      for (int t = 0; t <= VOCABULARY; t++) {
        w[t] = random.nextGaussian();
      }
    }
    this.cumulative = new double[VOCABULARY];
    double sum = 0;
    for (int t = 0; t < VOCABULARY; t++) {
      sum += 1 / Math.pow(t + 1, ZIPF);
      cumulative[t] = sum;
    }
    for (int t = 0; t < VOCABULARY; t++) {
      cumulative[t] /= sum;
    }
  }

  /** A label column, then one column per feature. */
  @Override
  public DatasetSchema schema() {
    List<String> columns = new ArrayList<>(List.of("label"));
    features.forEach(f -> columns.add(f.name()));
    return DatasetSchema.delimited(DataFormat.TSV, columns, "label", HeaderMode.PRESENT);
  }

  @Override
  public DatasetSplits write(Path dir, int trainRows, int validationRows, int testRows, GenerationListener listener)
      throws IOException {
    return DatasetGenerator.writeTsvSplits(dir, schema(), trainRows, validationRows, testRows, seed, this::row,
        listener);
  }

  /** A label, then per feature a tab and its longest cell: a token, a count of {@value #LONGEST_COUNT} digits or a full sequence. */
  @Override
  public long maxRowBytes() {
    long bytes = 1 + System.lineSeparator().length();
    for (Feature feature : features) {
      int token = feature.name().length() + 1 + String.valueOf(VOCABULARY).length();
      bytes += 1 + switch (feature.kind()) {
        case CATEGORICAL -> token;
        case NUMERIC -> LONGEST_COUNT;
        case SEQUENCE -> (long) feature.maxLength() * (token + feature.separator().length());
      };
    }
    return bytes;
  }

  private CharSequence row(Random random) {
    StringBuilder line = new StringBuilder();
    double logit = -1.0;
    int[] firstTokens = {-1, -1};
    int categoricalSeen = 0;
    for (int f = 0; f < features.size(); f++) {
      Feature feature = features.get(f);
      line.append('\t');
      switch (feature.kind()) {
        case CATEGORICAL -> {
          int token = zipf(random);
          logit += weights[f][token];
          if (categoricalSeen < 2) {
            firstTokens[categoricalSeen++] = token;
          }
          line.append(feature.name()).append('_').append(token);
        }
        case NUMERIC -> {
          if (random.nextDouble() < 0.05) {
            continue;
          }
          double value = Math.floor(Math.exp(random.nextGaussian() * 1.5));
          logit += weights[f][0] * Math.log1p(value) * 0.5;
          line.append((long) value);
        }
        case SEQUENCE -> {
          int length = random.nextInt(feature.maxLength() + 1);
          double sum = 0;
          for (int t = 0; t < length; t++) {
            int token = zipf(random);
            sum += weights[f][token];
            line.append(t > 0 ? feature.separator() : "").append(feature.name()).append('_').append(token);
          }
          logit += length > 0 ? sum / length : 0;
        }
      }
    }
    if (firstTokens[1] >= 0) {
      logit += ((firstTokens[0] + firstTokens[1]) % 3 == 0) ? 2.0 : -1.0;
    }
    int label = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    return line.insert(0, label);
  }

  private int zipf(Random random) {
    double u = random.nextDouble();
    int lo = 0;
    int hi = VOCABULARY - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] < u) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo + 1;
  }
}
