package io.dlf.dsl.testing;

import io.dlf.dsl.compile.FieldLayout;
import io.dlf.dsl.encode.EncodedBatch;
import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.encode.Vocabularies;
import io.dlf.dsl.encode.Vocabulary;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.ModelSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Raw examples for a model, as a client would send them: tokens drawn from the vocabularies with
 * about one in ten unseen (the model maps those to OOV), numeric values with about one in ten
 * missing (NaN), and histories from empty to longer than the model keeps.
 */
public final class RandomExamples {
  private RandomExamples() {}

  public static RawBatch batch(ModelSpec spec, Vocabularies vocabularies, int size, long seed) {
    Random random = new Random(seed);
    Map<String, String[]> strings = new HashMap<>();
    Map<String, float[]> numbers = new HashMap<>();
    Map<String, String[][]> sequences = new HashMap<>();
    for (Feature f : ModelPlan.of(spec).fields()) {
      switch (f.kind()) {
        case CATEGORICAL -> {
          String[] values = new String[size];
          for (int i = 0; i < size; i++) {
            values[i] = token(vocabularies.get(f.vocabularyOwner()), random);
          }
          strings.put(f.name(), values);
        }
        case NUMERIC -> {
          float[] values = new float[size];
          for (int i = 0; i < size; i++) {
            values[i] = random.nextInt(10) == 0 ? Float.NaN : random.nextFloat() * 100f;
          }
          numbers.put(f.name(), values);
        }
        case SEQUENCE -> {
          String[][] values = new String[size][];
          for (int i = 0; i < size; i++) {
            values[i] = new String[random.nextInt(f.maxLength() + 3)];
            for (int t = 0; t < values[i].length; t++) {
              values[i][t] = token(vocabularies.get(f.vocabularyOwner()), random);
            }
          }
          sequences.put(f.name(), values);
        }
      }
    }
    return new RawBatch(size, strings, numbers, sequences);
  }

  /**
   * Encoded examples for a model, as the trainer feeds them: ids drawn from each feature's table,
   * numeric values with about one in ten missing (NaN), histories from empty to full.
   */
  public static EncodedBatch encoded(ModelSpec spec, Vocabularies vocabularies, int size, long seed) {
    Random random = new Random(seed);
    FieldLayout layout = FieldLayout.of(ModelPlan.of(spec), vocabularies.sizes());
    int[] categorical = new int[size * layout.categorical().size()];
    for (int i = 0; i < categorical.length; i++) {
      Feature f = layout.categorical().get(i % layout.categorical().size());
      categorical[i] = random.nextInt(layout.tableSizes().get(f.vocabularyOwner()));
    }
    float[] numeric = new float[size * layout.numeric().size()];
    for (int i = 0; i < numeric.length; i++) {
      numeric[i] = random.nextInt(10) == 0 ? Float.NaN : random.nextFloat() * 100f;
    }
    Map<String, int[]> sequences = new HashMap<>();
    for (Feature f : layout.sequences()) {
      int[] ids = new int[size * f.maxLength()];
      int rows = layout.tableSizes().get(f.vocabularyOwner());
      for (int i = 0; i < size; i++) {
        int length = random.nextInt(f.maxLength() + 1);
        for (int t = 0; t < length; t++) {
          ids[i * f.maxLength() + t] = 1 + random.nextInt(rows - 1);
        }
      }
      sequences.put(f.name(), ids);
    }
    return new EncodedBatch(size, categorical, numeric, sequences);
  }

  private static String token(Vocabulary vocabulary, Random random) {
    List<String> tokens = vocabulary.tokens();
    return random.nextInt(10) == 0 ? "unseen-" + random.nextInt(1000) : tokens.get(random.nextInt(tokens.size()));
  }
}
