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
import java.util.function.Consumer;

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
    return buildVocabularies(spec, trainFile, RowCounter.NONE);
  }

  /**
   * As {@link #buildVocabularies(ModelSpec, Path)}, telling {@code counter} of every row read. Memory
   * grows with the distinct values of the features that have a vocabulary, not with the rows.
   */
  Vocabularies buildVocabularies(ModelSpec spec, Path trainFile, RowCounter counter) {
    List<Feature> features = reader.features();
    Map<String, VocabularyBuilder> builders = new LinkedHashMap<>();
    for (Feature f : features) {
      if (f.hasVocabulary() && !spec.feature(f.vocabularyOwner()).isHashed()) {
        builders.computeIfAbsent(f.vocabularyOwner(),
            owner -> new VocabularyBuilder(owner, spec.feature(owner).minCount()));
      }
    }
    reader.read(trainFile, row -> {
      counter.row();
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

  /** Encodes every row of {@code file} with {@code tables}' vocabularies and hash buckets, in memory. */
  public EncodedDataset encode(Path file, FieldLayout layout, TableIds tables) {
    Growable growable = new Growable(RowFormat.of(layout));
    ReadReport report = encode(file, layout, tables, growable::add, RowCounter.NONE);
    return growable.finish(report);
  }

  /** Encodes every row of {@code file} into {@code sink}, one reused {@link EncodedRow} after another. */
  ReadReport encode(Path file, FieldLayout layout, TableIds tables, Consumer<EncodedRow> sink, RowCounter counter) {
    List<Feature> features = reader.features();
    int[] categoricalIndex = indexes(features, layout.categorical());
    int[] numericIndex = indexes(features, layout.numeric());
    int[] sequenceIndex = indexes(features, layout.sequences());
    List<Feature> categorical = layout.categorical();
    TokenIds[] categoricalIds = categorical.stream().map(tables::of).toArray(TokenIds[]::new);
    EncodedRow encoded = RowFormat.of(layout).newRow();
    return reader.read(file, row -> {
      counter.row();
      for (int c = 0; c < categoricalIndex.length; c++) {
        encoded.categorical[c] = categoricalIds[c].id(token(row, categoricalIndex[c], categorical.get(c)));
      }
      for (int c = 0; c < numericIndex.length; c++) {
        encoded.numeric[c] = row.number(numericIndex[c]);
      }
      Arrays.fill(encoded.sequences, 0);
      int offset = 0;
      for (int s = 0; s < sequenceIndex.length; s++) {
        Feature f = layout.sequences().get(s);
        TokenIds ids = tables.of(f);
        String[] tokens = tokens(row.token(sequenceIndex[s]), f);
        int from = SequenceWindow.start(tokens.length, f.maxLength());
        for (int t = from; t < tokens.length; t++) {
          encoded.sequences[offset + t - from] = ids.id(tokens[t]);
        }
        offset += f.maxLength();
      }
      encoded.label = row.label();
      sink.accept(encoded);
    });
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
    private final RowFormat format;
    private int capacity = 1024;
    private int size;
    private int[] categorical;
    private float[] numeric;
    private int[] sequences;
    private float[] labels;

    Growable(RowFormat format) {
      this.format = format;
      categorical = new int[capacity * format.categoricalWidth()];
      numeric = new float[capacity * format.numericWidth()];
      sequences = new int[capacity * format.sequenceWidth()];
      labels = new float[capacity];
    }

    void add(EncodedRow row) {
      if (size == capacity) {
        capacity *= 2;
        categorical = Arrays.copyOf(categorical, capacity * format.categoricalWidth());
        numeric = Arrays.copyOf(numeric, capacity * format.numericWidth());
        sequences = Arrays.copyOf(sequences, capacity * format.sequenceWidth());
        labels = Arrays.copyOf(labels, capacity);
      }
      System.arraycopy(row.categorical, 0, categorical, size * row.categorical.length, row.categorical.length);
      System.arraycopy(row.numeric, 0, numeric, size * row.numeric.length, row.numeric.length);
      System.arraycopy(row.sequences, 0, sequences, size * row.sequences.length, row.sequences.length);
      labels[size] = row.label;
      size++;
    }

    /** One array per sequence, as the batches take them. */
    EncodedDataset finish(ReadReport report) {
      Map<String, int[]> bySequence = new LinkedHashMap<>();
      Map<String, Integer> lengths = new LinkedHashMap<>();
      int width = format.sequenceWidth();
      int offset = 0;
      for (Feature f : format.sequences()) {
        int length = f.maxLength();
        int[] ids = new int[size * length];
        for (int r = 0; r < size; r++) {
          System.arraycopy(sequences, r * width + offset, ids, r * length, length);
        }
        bySequence.put(f.name(), ids);
        lengths.put(f.name(), length);
        offset += length;
      }
      return new EncodedDataset(size, format.categoricalWidth(), format.numericWidth(),
          Arrays.copyOf(categorical, size * format.categoricalWidth()),
          Arrays.copyOf(numeric, size * format.numericWidth()), bySequence, lengths, Arrays.copyOf(labels, size),
          report);
    }
  }
}
