package io.dlf.trainer.data;

import io.dlf.dsl.spec.Feature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * A synthetic dataset whose label is decided by a behaviour sequence, so a model that reads the
 * sequence beats one that does not. Columns: {@code label, user, item, history}.
 *
 * <p>{@value #ITEMS} items fall into {@value #CATEGORIES} categories (item i in category
 * i mod {@value #CATEGORIES}). Each row has a fresh user (a random id, so the user field carries no
 * signal) with two favourite categories; the history holds up to {@code maxLength} items (length
 * uniform in 0..maxLength, oldest first), each from a favourite category with probability 0.8. The
 * candidate item comes from a favourite category half of the time, else uniformly, so on its own it
 * says almost nothing. The click probability is {@code sigmoid(-1.5 + 3 * [some history item shares
 * the candidate's category])}: the history alone decides it, up to label noise.
 */
public final class HistorySignalDataset implements DatasetGenerator {
  public static final int MAX_LENGTH = 20;
  static final int ITEMS = 200;
  static final int CATEGORIES = 10;
  private static final int USERS = 1_000_000;

  private final int maxLength;
  private final long seed;

  public HistorySignalDataset(int maxLength, long seed) {
    this.maxLength = maxLength;
    this.seed = seed;
  }

  /** The features to declare: user and item categorical, the history a sequence sharing item's vocabulary. */
  public List<Feature> features() {
    return List.of(Feature.categorical("user"), Feature.categorical("item"),
        Feature.sequence("history", maxLength).vocabularyFrom("item"));
  }

  @Override
  public DatasetSchema schema() {
    return DatasetSchema.delimited(DataFormat.TSV, List.of("label", "user", "item", "history"), "label",
        HeaderMode.PRESENT);
  }

  @Override
  public DatasetSplits write(Path dir, int trainRows, int validationRows, int testRows, GenerationListener listener)
      throws IOException {
    return DatasetGenerator.writeTsvSplits(dir, schema(), trainRows, validationRows, testRows, seed, this::row,
        listener);
  }

  /** A label, a user, an item and a history of the most items, tab-separated, and the line end. */
  @Override
  public long maxRowBytes() {
    int item = 1 + String.valueOf(ITEMS - 1).length();
    return 1 + 2 + String.valueOf(USERS - 1).length() + 1 + item + 1
        + (long) maxLength * (item + Feature.DEFAULT_SEPARATOR.length()) + System.lineSeparator().length();
  }

  private CharSequence row(Random random) {
    int[] favourites = {random.nextInt(CATEGORIES), random.nextInt(CATEGORIES)};
    int length = random.nextInt(maxLength + 1);
    boolean[] seen = new boolean[CATEGORIES];
    StringBuilder history = new StringBuilder();
    for (int t = 0; t < length; t++) {
      int item = random.nextDouble() < 0.8 ? itemOf(favourites[random.nextInt(2)], random) : random.nextInt(ITEMS);
      seen[item % CATEGORIES] = true;
      history.append(t > 0 ? Feature.DEFAULT_SEPARATOR : "").append("i").append(item);
    }
    int candidate = random.nextBoolean() ? itemOf(favourites[random.nextInt(2)], random) : random.nextInt(ITEMS);
    double logit = -1.5 + (seen[candidate % CATEGORIES] ? 3 : 0);
    int label = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    return label + "\tu" + random.nextInt(USERS) + "\ti" + candidate + "\t" + history;
  }

  private static int itemOf(int category, Random random) {
    return category + CATEGORIES * random.nextInt(ITEMS / CATEGORIES);
  }
}
