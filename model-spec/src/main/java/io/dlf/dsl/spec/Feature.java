package io.dlf.dsl.spec;

import static java.util.Objects.requireNonNull;

/**
 * One input feature. Fields that do not apply to the feature's kind keep their defaults.
 *
 * @param minCount categorical and sequence: tokens seen fewer times in training map to OOV
 * @param transform numeric: applied to the raw value
 * @param fillValue numeric: the value of a missing cell
 * @param maxLength sequence: the most recent tokens kept
 * @param pooling sequence: how token embeddings are pooled into one vector
 * @param separator sequence: between tokens in a raw value ({@link io.dlf.dsl.encode.SequenceTokenizer} splits it)
 * @param vocabularyFrom share the vocabulary and embedding table of this feature; empty for none
 */
public record Feature(
    String name,
    FeatureKind kind,
    int minCount,
    NumericTransform transform,
    float fillValue,
    int maxLength,
    Pooling pooling,
    String separator,
    String vocabularyFrom) {

  public static final String DEFAULT_SEPARATOR = "|";

  public Feature {
    requireNonNull(name, "name is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(transform, "transform is null");
    requireNonNull(pooling, "pooling is null");
    requireNonNull(separator, "separator is null");
    requireNonNull(vocabularyFrom, "vocabularyFrom is null");
  }

  public static Feature categorical(String name) {
    return new Feature(
        name, FeatureKind.CATEGORICAL, 1, NumericTransform.IDENTITY, 0f, 0, Pooling.MEAN,
        DEFAULT_SEPARATOR, "");
  }

  public static Feature numeric(String name) {
    return categorical(name).kind(FeatureKind.NUMERIC);
  }

  public static Feature sequence(String name, int maxLength) {
    return categorical(name).kind(FeatureKind.SEQUENCE).maxLength(maxLength);
  }

  public boolean hasVocabulary() {
    return kind != FeatureKind.NUMERIC;
  }

  /** The feature whose vocabulary this one uses: itself unless it shares another's. */
  public String vocabularyOwner() {
    return vocabularyFrom.isEmpty() ? name : vocabularyFrom;
  }

  public Feature kind(FeatureKind value) {
    return new Feature(name, value, minCount, transform, fillValue, maxLength, pooling, separator,
        vocabularyFrom);
  }

  public Feature minCount(int value) {
    return new Feature(name, kind, value, transform, fillValue, maxLength, pooling, separator,
        vocabularyFrom);
  }

  public Feature transform(NumericTransform value) {
    return new Feature(name, kind, minCount, value, fillValue, maxLength, pooling, separator,
        vocabularyFrom);
  }

  public Feature fillValue(float value) {
    return new Feature(name, kind, minCount, transform, value, maxLength, pooling, separator,
        vocabularyFrom);
  }

  public Feature maxLength(int value) {
    return new Feature(name, kind, minCount, transform, fillValue, value, pooling, separator,
        vocabularyFrom);
  }

  public Feature pooling(Pooling value) {
    return new Feature(name, kind, minCount, transform, fillValue, maxLength, value, separator,
        vocabularyFrom);
  }

  public Feature separator(String value) {
    return new Feature(name, kind, minCount, transform, fillValue, maxLength, pooling, value,
        vocabularyFrom);
  }

  public Feature vocabularyFrom(String value) {
    return new Feature(name, kind, minCount, transform, fillValue, maxLength, pooling, separator,
        value);
  }
}
