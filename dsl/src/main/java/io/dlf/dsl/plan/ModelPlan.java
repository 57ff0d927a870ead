package io.dlf.dsl.plan;

import io.dlf.dsl.spec.BackboneVisitor;
import io.dlf.dsl.spec.DlfBackbone;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.FeatureKind;
import io.dlf.dsl.spec.HeadKind;
import io.dlf.dsl.spec.ModelSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A model spec with every shape resolved: the fields that form E(1), the backbone's plan and the
 * head. The compiler builds exactly what the plan describes.
 *
 * @param fields the features stacked into E(1), in order
 */
public record ModelPlan(ModelSpec spec, List<Feature> fields, BackbonePlan backbone) {

  public ModelPlan {
    fields = List.copyOf(fields);
  }

  /** Resolves the shapes of a spec whose rules have been checked. */
  public static ModelPlan of(ModelSpec spec) {
    List<Feature> fields = inputFields(spec);
    int dim = spec.embedding().dim();
    BackbonePlan backbone = spec.backbone().accept(new BackboneVisitor<BackbonePlan>() {
      @Override
      public BackbonePlan visitDlf(DlfBackbone dlf) {
        return DlfPlanner.plan(dlf, fields.size(), dim);
      }
    });
    return new ModelPlan(spec, fields, backbone);
  }

  /** The features a spec stacks into E(1): the backbone's inputs, or every declared feature. */
  public static List<Feature> inputFields(ModelSpec spec) {
    List<String> names = spec.backbone().inputs();
    if (names.isEmpty()) {
      return spec.features();
    }
    return names.stream().map(spec::feature).toList();
  }

  /** Embedding tables, named by the feature that owns each vocabulary, in first-use order. */
  public Set<String> embeddingTables() {
    Set<String> owners = new LinkedHashSet<>();
    for (Feature field : fields) {
      if (field.hasVocabulary()) {
        owners.add(field.vocabularyOwner());
      }
    }
    return owners;
  }

  public int dim() {
    return spec.embedding().dim();
  }

  /** The flattened backbone output the head reads. */
  public int headInputWidth() {
    return backbone.outputWidth();
  }

  public long headParameters() {
    return spec.head().kind() == HeadKind.LINEAR
        ? ParameterCounts.dense(headInputWidth(), 1)
        : ParameterCounts.mlp(headInputWidth(), spec.head().mlp(), 1);
  }

  /**
   * The block table. Embedding parameters depend on vocabulary sizes (rows per table, PAD and OOV
   * included); without them, only the non-embedding count is known.
   */
  public ModelSummary summary(Map<String, Integer> vocabularySizes) {
    int dim = dim();
    OptionalLong embedding = OptionalLong.empty();
    if (embeddingTables().stream().allMatch(vocabularySizes::containsKey)) {
      long rows = embeddingTables().stream().mapToLong(vocabularySizes::get).sum();
      long numeric = fields.stream().filter(f -> f.kind() == FeatureKind.NUMERIC).count();
      embedding = OptionalLong.of((rows + numeric) * dim);
    }
    List<SummaryRow> rows = new ArrayList<>();
    rows.add(new SummaryRow("embedding", "embedding", List.of(fields.size(), dim), embedding.orElse(-1)));
    rows.addAll(backbone.rows());
    rows.add(new SummaryRow("head", "head " + spec.head().kind().name().toLowerCase(java.util.Locale.ROOT),
        List.of(1), headParameters()));
    return new ModelSummary(spec.name(), rows, embedding);
  }
}
