package io.dlf.dsl.spec;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.NoSuchElementException;

/**
 * An immutable, validated model declaration: the features, the embedding layer, the backbone, the
 * head, dropout and regularization. Constructing one checks every rule (see {@link SpecValidator})
 * and throws {@link SpecException} naming each broken rule's block path, so a {@code ModelSpec}
 * in hand is always a model that can be compiled. Its shapes, blocks and parameter counts are
 * derived from it: {@code ModelPlan.of(spec)}, {@code ModelPlan.of(spec).summary()}.
 *
 * @param formatVersion the schema version of the spec's serialized forms
 * @param dropout FuxiCTR's net_dropout, used in block MLPs, attention and the head (0 with the
 *     FinalMLP backbone, whose streams set their own)
 */
public record ModelSpec(
    int formatVersion,
    String name,
    List<Feature> features,
    Embedding embedding,
    Backbone backbone,
    Head head,
    Regularization regularization,
    float dropout) {

  /**
   * The newest format this code reads and writes. Format 2 added the FM, DeepFM, DCNv2, FinalMLP, MGDIN
   * and InterFormer backbones, format 3 hashed features and the Criteo bucket transform, format 4
   * FinalMLP's separate context embeddings; a spec is written in the oldest format that can express it
   * (see {@link Backbone#formatVersion()} and {@link Feature#formatVersion()}).
   */
  public static final int FORMAT_VERSION = 4;

  public ModelSpec {
    requireNonNull(name, "name is null");
    features = List.copyOf(requireNonNull(features, "features is null"));
    requireNonNull(embedding, "embedding is null");
    requireNonNull(backbone, "backbone is null");
    requireNonNull(head, "head is null");
    requireNonNull(regularization, "regularization is null");
    SpecValidator.validate(formatVersion, name, features, embedding, backbone, head, regularization, dropout);
  }

  public static ModelSpecBuilder builder(String name) {
    return new ModelSpecBuilder(name);
  }

  /** A builder holding this spec's values, for variations. */
  public ModelSpecBuilder toBuilder() {
    return new ModelSpecBuilder(this);
  }

  public Feature feature(String featureName) {
    return features.stream()
        .filter(f -> f.name().equals(featureName))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException("no feature '" + featureName + "' in " + name));
  }
}
