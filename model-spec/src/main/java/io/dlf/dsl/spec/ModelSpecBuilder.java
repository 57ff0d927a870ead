package io.dlf.dsl.spec;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Fluent construction of a {@link ModelSpec}. Parts are immutable values with fluent copies
 * ({@code FmBlock.of(32, 24, 512).rank(16)}); this builder collects them and {@link #build()}
 * validates the whole.
 */
public final class ModelSpecBuilder {
  private String name;
  private final List<Feature> features = new ArrayList<>();
  private Embedding embedding = Embedding.of(Embedding.DEFAULT_DIM);
  private Backbone backbone;
  private Head head = Head.linear();
  private Regularization regularization = Regularization.none();
  private float dropout;

  ModelSpecBuilder(String name) {
    this.name = requireNonNull(name, "name is null");
  }

  ModelSpecBuilder(ModelSpec spec) {
    this.name = spec.name();
    this.features.addAll(spec.features());
    this.embedding = spec.embedding();
    this.backbone = spec.backbone();
    this.head = spec.head();
    this.regularization = spec.regularization();
    this.dropout = spec.dropout();
  }

  public ModelSpecBuilder name(String value) {
    this.name = requireNonNull(value, "name is null");
    return this;
  }

  /** Declares categorical features, in field order. */
  public ModelSpecBuilder categorical(String... names) {
    for (String n : names) {
      features.add(Feature.categorical(n));
    }
    return this;
  }

  /** Declares numeric features with the identity transform, in field order. */
  public ModelSpecBuilder numeric(String... names) {
    for (String n : names) {
      features.add(Feature.numeric(n));
    }
    return this;
  }

  /** Declares a sequence feature keeping its {@code maxLength} most recent tokens, mean-pooled. */
  public ModelSpecBuilder sequence(String featureName, int maxLength) {
    features.add(Feature.sequence(featureName, maxLength));
    return this;
  }

  public ModelSpecBuilder feature(Feature feature) {
    features.add(requireNonNull(feature, "feature is null"));
    return this;
  }

  /** Replaces every declared feature. */
  public ModelSpecBuilder features(List<Feature> values) {
    features.clear();
    features.addAll(values);
    return this;
  }

  public ModelSpecBuilder embedding(Embedding value) {
    this.embedding = requireNonNull(value, "embedding is null");
    return this;
  }

  public ModelSpecBuilder embeddingDim(int dim) {
    return embedding(new Embedding(dim, embedding.initStddev()));
  }

  public ModelSpecBuilder backbone(Backbone value) {
    this.backbone = requireNonNull(value, "backbone is null");
    return this;
  }

  /** Changes the DLF backbone, e.g. {@code dlf(d -> d.eachLayer(l -> l.fusion(Fusion.concat())))}. */
  public ModelSpecBuilder dlf(UnaryOperator<DlfBackbone> change) {
    return change(DlfBackbone.class, change);
  }

  /** Changes the DeepFM backbone, e.g. {@code deepFm(d -> d.dnn(Mlp.of(200, 200)))}. */
  public ModelSpecBuilder deepFm(UnaryOperator<DeepFmBackbone> change) {
    return change(DeepFmBackbone.class, change);
  }

  /** Changes the DCNv2 backbone, e.g. {@code dcnV2(d -> d.crossLayers(5))}. */
  public ModelSpecBuilder dcnV2(UnaryOperator<DcnV2Backbone> change) {
    return change(DcnV2Backbone.class, change);
  }

  /** Changes the FinalMLP backbone, e.g. {@code finalMlp(f -> f.heads(10))}. */
  public ModelSpecBuilder finalMlp(UnaryOperator<FinalMlpBackbone> change) {
    return change(FinalMlpBackbone.class, change);
  }

  /** Changes the MGDIN backbone, e.g. {@code mgdin(m -> m.schedule(MaskSchedule.PAIR))}. */
  public ModelSpecBuilder mgdin(UnaryOperator<MgdinBackbone> change) {
    return change(MgdinBackbone.class, change);
  }

  /** Changes the InterFormer backbone, e.g. {@code interFormer(i -> i.sequence("history"))}. */
  public ModelSpecBuilder interFormer(UnaryOperator<InterFormerBackbone> change) {
    return change(InterFormerBackbone.class, change);
  }

  private <B extends Backbone> ModelSpecBuilder change(Class<B> kind, UnaryOperator<B> change) {
    if (!kind.isInstance(backbone)) {
      throw new IllegalStateException("the backbone is not " + kind.getSimpleName() + ": " + backbone);
    }
    return backbone(change.apply(kind.cast(backbone)));
  }

  public ModelSpecBuilder head(Head value) {
    this.head = requireNonNull(value, "head is null");
    return this;
  }

  public ModelSpecBuilder regularization(Regularization value) {
    this.regularization = requireNonNull(value, "regularization is null");
    return this;
  }

  public ModelSpecBuilder dropout(float value) {
    this.dropout = value;
    return this;
  }

  /**
   * Validates every rule and returns the spec, in the oldest format that expresses it; throws
   * {@link SpecException} naming each violation.
   */
  public ModelSpec build() {
    if (backbone == null) {
      throw new SpecException(name, List.of(new Violation("backbone", "no backbone was set")));
    }
    int format = features.stream().mapToInt(Feature::formatVersion).reduce(backbone.formatVersion(), Math::max);
    return new ModelSpec(format, name, features, embedding, backbone, head, regularization, dropout);
  }
}
