package io.dlf.trainer.encode;

import io.dlf.dsl.compile.FieldLayout;
import io.dlf.dsl.encode.SequenceTokenizer;
import io.dlf.dsl.encode.SequenceWindow;
import io.dlf.dsl.encode.NumericBuckets;
import io.dlf.dsl.encode.TableIds;
import io.dlf.dsl.encode.TokenIds;
import io.dlf.dsl.encode.Vocabularies;
import io.dlf.dsl.encode.Vocabulary;
import io.dlf.dsl.encode.VocabularyBuilder;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.FeatureKind;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.trainer.data.ParsedRow;
import io.dlf.trainer.data.ReadReport;
import io.dlf.trainer.data.RowReader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds vocabularies from the training split and encodes splits with them (and hashed features
 * with their buckets). Raw values become ids exactly as the exported graph encodes them, so
 * training and serving see the same inputs.
 */
public final class DatasetEncoder {
  private final RowReader reader;

  public DatasetEncoder(RowReader reader) {
    this.reader = reader;
  }

  /** One vocabulary per owning feature that does not hash its values, counted over {@code trainFile}. */
  public Vocabularies buildVocabularies(ModelSpec spec, Path trainFile) {
    List<Feature> features = reader.features();
    Map<String, VocabularyBuilder> builders = new LinkedHashMap<>();
    for (Feature f : features) {
      if (f.hasVocabulary() && !spec.feature(f.vocabularyOwner()).isHashed()) {
        builders.computeIfAbsent(f.vocabularyOwner(),
            owner -> new VocabularyBuilder(owner, spec.feature(owner).minCount()));
      }
    }
    reader.read(trainFile, row -> {
      for (int i = 0; i < features.size(); i++) {
        Feature f = features.get(i);
        VocabularyBuilder builder = builders.get(f.vocabularyOwner());
        if (builder == null) {
          continue;
        }
        if (f.kind() == FeatureKind.SEQUENCE) {
          for (String token : tokens(row.token(i), f)) {
            builder.add(token);
          }
        } else {
          builder.add(token(row, i, f));
        }
      }
    });
    Map<String, Vocabulary> built = new LinkedHashMap<>();
    builders.forEach((owner, builder) -> built.put(owner, builder.build()));
    return new Vocabularies(built);
  }

  /** Encodes every row of {@code file} with {@code tables}' vocabularies and hash buckets. */
  public EncodedDataset encode(Path file, FieldLayout layout, TableIds tables) {
    List<Feature> features = reader.features();
    int[] categoricalIndex = indexes(features, layout.categorical());
    int[] numericIndex = indexes(features, layout.numeric());
    int[] sequenceIndex = indexes(features, layout.sequences());
    List<Feature> categorical = layout.categorical();
    TokenIds[] categoricalIds = categorical.stream().map(tables::of).toArray(TokenIds[]::new);
    Growable growable = new Growable(layout);
    ReadReport report = reader.read(file, row -> {
      growable.ensure();
      int n = growable.size;
      for (int c = 0; c < categoricalIndex.length; c++) {
        growable.categorical[n * categoricalIndex.length + c] =
            categoricalIds[c].id(token(row, categoricalIndex[c], categorical.get(c)));
      }
      for (int c = 0; c < numericIndex.length; c++) {
        growable.numeric[n * numericIndex.length + c] = row.number(numericIndex[c]);
      }
      for (int s = 0; s < sequenceIndex.length; s++) {
        Feature f = layout.sequences().get(s);
        TokenIds ids = tables.of(f);
        String[] tokens = tokens(row.token(sequenceIndex[s]), f);
        int from = SequenceWindow.start(tokens.length, f.maxLength());
        int[] target = growable.sequences.get(f.name());
        for (int t = from; t < tokens.length; t++) {
          target[n * f.maxLength() + (t - from)] = ids.id(tokens[t]);
        }
      }
      growable.labels[n] = row.label();
      growable.size++;
    });
    return growable.finish(layout, report);
  }

  private static int[] indexes(List<Feature> features, List<Feature> subset) {
    return subset.stream().mapToInt(features::indexOf).toArray();
  }

  /** The one token of a categorical or bucketized numeric cell, as the exported graph derives it. */
  private static String token(ParsedRow row, int index, Feature feature) {
    return feature.isBucketized() ? NumericBuckets.token(feature.transform(), row.number(index)) : row.token(index);
  }

  /** A sequence cell's tokens, oldest first, by the rule serving splits them with. */
  private static String[] tokens(String cell, Feature feature) {
    return SequenceTokenizer.split(cell, feature.separator());
  }

  /** Row-major buffers that double as rows arrive. */
  private static final class Growable {
    private final int categoricalWidth;
    private final int numericWidth;
    private int capacity = 1024;
    private int size;
    private int[] categorical;
    private float[] numeric;
    private final Map<String, int[]> sequences = new LinkedHashMap<>();
    private final Map<String, Integer> lengths = new LinkedHashMap<>();
    private float[] labels;

    Growable(FieldLayout layout) {
      categoricalWidth = layout.categorical().size();
      numericWidth = layout.numeric().size();
      categorical = new int[capacity * categoricalWidth];
      numeric = new float[capacity * numericWidth];
      layout.sequences().forEach(f -> {
        sequences.put(f.name(), new int[capacity * f.maxLength()]);
        lengths.put(f.name(), f.maxLength());
      });
      labels = new float[capacity];
    }

    void ensure() {
      if (size < capacity) {
        return;
      }
      capacity *= 2;
      categorical = Arrays.copyOf(categorical, capacity * categoricalWidth);
      numeric = Arrays.copyOf(numeric, capacity * numericWidth);
      sequences.replaceAll((name, ids) -> Arrays.copyOf(ids, capacity * lengths.get(name)));
      labels = Arrays.copyOf(labels, capacity);
    }

    EncodedDataset finish(FieldLayout layout, ReadReport report) {
      Map<String, int[]> trimmed = new LinkedHashMap<>();
      sequences.forEach((name, ids) -> trimmed.put(name, Arrays.copyOf(ids, size * lengths.get(name))));
      return new EncodedDataset(size, categoricalWidth, numericWidth,
          Arrays.copyOf(categorical, size * categoricalWidth), Arrays.copyOf(numeric, size * numericWidth),
          trimmed, lengths, Arrays.copyOf(labels, size), report);
    }
  }
}
