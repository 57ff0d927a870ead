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
 * @param hashBuckets categorical and sequence: when positive, raw values are hashed into this many
 *     buckets instead of a vocabulary (see {@link io.dlf.dsl.encode.HashBuckets}); 0 for a vocabulary
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
    String vocabularyFrom,
    int hashBuckets) {

  public static final String DEFAULT_SEPARATOR = "|";
  /** The spec format that added hash buckets and bucketizing transforms. */
  static final int HASHING_FORMAT = 3;

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
        DEFAULT_SEPARATOR, "", 0);
  }

  public static Feature numeric(String name) {
    return categorical(name).kind(FeatureKind.NUMERIC);
  }

  public static Feature sequence(String name, int maxLength) {
    return categorical(name).kind(FeatureKind.SEQUENCE).maxLength(maxLength);
  }

  /**
   * Whether the feature's values are ids into an embedding table (from a vocabulary or hash
   * buckets): categorical and sequence features, and numeric ones whose transform makes a category
   * of each value.
   */
  public boolean hasVocabulary() {
    return kind != FeatureKind.NUMERIC || isBucketized();
  }

  /** A numeric feature whose transform turns each value into a category token. */
  public boolean isBucketized() {
    return kind == FeatureKind.NUMERIC && transform.bucketizes();
  }

  /** Whether this feature hashes its values into buckets (it then owns a table without a vocabulary). */
  public boolean isHashed() {
    return hashBuckets > 0;
  }

  /** The first spec format that can express this feature. */
  public int formatVersion() {
    return isHashed() || transform.bucketizes() ? HASHING_FORMAT : 1;
  }

  /** The feature whose vocabulary this one uses: itself unless it shares another's. */
  public String vocabularyOwner() {
    return vocabularyFrom.isEmpty() ? name : vocabularyFrom;
  }

  public Feature kind(FeatureKind value) {
    return new Feature(name, value, minCount, transform, fillValue, maxLength, pooling, separator,
        vocabularyFrom, hashBuckets);
  }

  public Feature minCount(int value) {
    return new Feature(name, kind, value, transform, fillValue, maxLength, pooling, separator,
        vocabularyFrom, hashBuckets);
  }

  public Feature transform(NumericTransform value) {
    return new Feature(name, kind, minCount, value, fillValue, maxLength, pooling, separator,
        vocabularyFrom, hashBuckets);
  }

  public Feature fillValue(float value) {
    return new Feature(name, kind, minCount, transform, value, maxLength, pooling, separator,
        vocabularyFrom, hashBuckets);
  }

  public Feature maxLength(int value) {
    return new Feature(name, kind, minCount, transform, fillValue, value, pooling, separator,
        vocabularyFrom, hashBuckets);
  }

  public Feature pooling(Pooling value) {
    return new Feature(name, kind, minCount, transform, fillValue, maxLength, value, separator,
        vocabularyFrom, hashBuckets);
  }

  public Feature separator(String value) {
    return new Feature(name, kind, minCount, transform, fillValue, maxLength, pooling, value,
        vocabularyFrom, hashBuckets);
  }

  public Feature vocabularyFrom(String value) {
    return new Feature(name, kind, minCount, transform, fillValue, maxLength, pooling, separator,
        value, hashBuckets);
  }

  public Feature hashBuckets(int value) {
    return new Feature(name, kind, minCount, transform, fillValue, maxLength, pooling, separator,
        vocabularyFrom, value);
  }
}
