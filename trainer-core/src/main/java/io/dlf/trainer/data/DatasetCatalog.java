package io.dlf.trainer.data;

import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.NumericTransform;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Datasets known by name, with their schema, default features and split files relative to a data
 * root (the shared data folder's layout). A derived dataset names its source files and how its own
 * files are made from them ({@link Derivation}); the trainer writes them once and caches them.
 */
public final class DatasetCatalog {

  /** Makes a derived dataset's splits from its source splits, into {@code dir}. */
  @FunctionalInterface
  public interface Derivation {
    DatasetSplits write(DatasetSplits source, Path dir) throws IOException;
  }

  /**
   * A named dataset.
   *
   * @param schema the schema of the dataset's own files (a derived dataset's, not its source's)
   * @param derivation present for a derived dataset, whose train, validation and test are source files
   */
  public record Entry(String name, DatasetSchema schema, List<Feature> features, String train, String validation,
      String test, String description, Optional<Derivation> derivation) {

    public Entry {
      features = List.copyOf(features);
    }

    /** A dataset whose files are read as they are. */
    public Entry(String name, DatasetSchema schema, List<Feature> features, String train, String validation,
        String test, String description) {
      this(name, schema, features, train, validation, test, description, Optional.empty());
    }

    public DatasetSplits splits(Path root) {
      return new DatasetSplits(root.resolve(train), root.resolve(validation), root.resolve(test));
    }
  }

  public static final String FRAPPE = "frappe";
  public static final String FRAPPE_HISTORY = "frappe-history";
  public static final String CRITEO_SAMPLE = "criteo-sample";
  public static final String AVAZU_SAMPLE = "avazu-sample";

  public static final List<String> FRAPPE_FIELDS = List.of(
      "user", "item", "daytime", "weekday", "isweekend", "homework", "cost", "weather", "country", "city");

  private static final Map<String, Entry> ENTRIES = Map.of(
      FRAPPE, frappe(), FRAPPE_HISTORY, frappeHistory(), CRITEO_SAMPLE, criteo(), AVAZU_SAMPLE, avazu());

  private DatasetCatalog() {}

  public static List<String> names() {
    return ENTRIES.keySet().stream().sorted().toList();
  }

  /** The dataset of that name; the error lists the known names. */
  public static Entry get(String name) {
    Entry entry = ENTRIES.get(name.toLowerCase(Locale.ROOT));
    if (entry == null) {
      throw new IllegalArgumentException("unknown dataset '" + name + "'; known datasets: " + String.join(", ", names()));
    }
    return entry;
  }

  private static Entry frappe() {
    return new Entry(FRAPPE, DatasetSchema.libFm(FRAPPE_FIELDS),
        FRAPPE_FIELDS.stream().map(Feature::categorical).toList(),
        "frappe/frappe.train.reconstructed.libfm.gz", "frappe/frappe.validation.libfm.gz", "frappe/frappe.test.libfm.gz",
        "Frappe app usage (NFM/AFN split): 10 categorical fields; exact valid/test, reconstructed train");
  }

  private static Entry frappeHistory() {
    Entry frappe = frappe();
    return new Entry(FRAPPE_HISTORY, FrappeHistory.schema(), FrappeHistory.features(FrappeHistory.MAX_LENGTH),
        frappe.train(), frappe.validation(), frappe.test(),
        "Frappe with each user's last " + FrappeHistory.MAX_LENGTH + " distinct positive items from the training "
            + "split as a history sequence (see FrappeHistory)",
        Optional.of((source, dir) -> FrappeHistory.write(source, dir, FrappeHistory.MAX_LENGTH)));
  }

  private static Entry criteo() {
    List<String> columns = new ArrayList<>(List.of("label"));
    List<Feature> features = new ArrayList<>();
    IntStream.rangeClosed(1, 13).forEach(i -> {
      columns.add("I" + i);
      features.add(Feature.numeric("I" + i).transform(NumericTransform.LOG1P));
    });
    IntStream.rangeClosed(1, 26).forEach(i -> {
      columns.add("C" + i);
      features.add(Feature.categorical("C" + i).minCount(2));
    });
    return new Entry(CRITEO_SAMPLE, DatasetSchema.delimited(DataFormat.TSV, columns, "label", HeaderMode.NONE), features,
        "criteo/train.csv.gz", "criteo/dev.csv.gz", "criteo/test.txt.gz",
        "first 10,000 rows of Criteo's train.txt: 13 numeric (log1p) and 26 categorical fields");
  }

  private static Entry avazu() {
    List<String> columns = List.of("id", "click", "hour", "C1", "banner_pos", "site_id", "site_domain", "site_category",
        "app_id", "app_domain", "app_category", "device_id", "device_ip", "device_model", "device_type",
        "device_conn_type", "C14", "C15", "C16", "C17", "C18", "C19", "C20", "C21");
    List<Feature> features = columns.stream().filter(c -> !c.equals("id") && !c.equals("click"))
        .map(c -> Feature.categorical(c).minCount(2)).toList();
    return new Entry(AVAZU_SAMPLE, DatasetSchema.delimited(DataFormat.CSV, columns, "click", HeaderMode.DETECT), features,
        "avazu/train.csv.gz", "avazu/dev.csv.gz", "avazu/test.gz",
        "first 9,999 rows of Avazu's train.csv: 22 categorical fields");
  }
}
