package io.dlf.dsl;

import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.ModelSpecBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Frappe's ten categorical fields and their FuxiCTR vocabulary sizes (PAD and OOV included). */
public final class Frappe {
  public static final List<String> FIELDS = List.of(
      "user", "item", "daytime", "weekday", "isweekend", "homework", "cost", "weather", "country", "city");
  public static final Map<String, Integer> VOCABULARY_SIZES = vocabularySizes();
  public static final String HISTORY = "history";

  private Frappe() {}

  public static ModelSpecBuilder declare(ModelSpecBuilder builder) {
    return builder.categorical(FIELDS.toArray(String[]::new));
  }

  /**
   * Frappe with a history sequence of {@code length} items (sharing the item vocabulary) read by an
   * InterFormer backbone as its sequence.
   */
  public static ModelSpecBuilder withHistory(ModelSpecBuilder interFormer, int length) {
    return declare(interFormer).feature(Feature.sequence(HISTORY, length).vocabularyFrom("item"))
        .interFormer(i -> i.sequence(HISTORY));
  }

  private static Map<String, Integer> vocabularySizes() {
    int[] sizes = {956, 4084, 9, 9, 4, 5, 4, 11, 82, 235};
    Map<String, Integer> map = new LinkedHashMap<>();
    for (int i = 0; i < sizes.length; i++) {
      map.put(FIELDS.get(i), sizes[i]);
    }
    return Map.copyOf(map);
  }
}
