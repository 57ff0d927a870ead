package io.dlf.dsl.plan;

import io.dlf.dsl.spec.BackboneVisitor;
import io.dlf.dsl.spec.DcnV2Backbone;
import io.dlf.dsl.spec.DeepFmBackbone;
import io.dlf.dsl.spec.DlfBackbone;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.FeatureKind;
import io.dlf.dsl.spec.FinalMlpBackbone;
import io.dlf.dsl.spec.FmBackbone;
import io.dlf.dsl.spec.HeadKind;
import io.dlf.dsl.spec.InterFormerBackbone;
import io.dlf.dsl.spec.MgdinBackbone;
import io.dlf.dsl.spec.ModelSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

      @Override
      public BackbonePlan visitFm(FmBackbone fm) {
        return new FmPlan(fields.size(), dim);
      }

      @Override
      public BackbonePlan visitDeepFm(DeepFmBackbone deepFm) {
        return new DeepFmPlan(deepFm, fields.size(), dim);
      }

      @Override
      public BackbonePlan visitDcnV2(DcnV2Backbone dcnV2) {
        return new DcnV2Plan(dcnV2, fields.size(), dim);
      }

      @Override
      public BackbonePlan visitFinalMlp(FinalMlpBackbone finalMlp) {
        return FinalMlpPlan.of(finalMlp, fields, dim);
      }

      @Override
      public BackbonePlan visitMgdin(MgdinBackbone mgdin) {
        return new MgdinPlan(mgdin, fields.size(), dim);
      }

      @Override
      public BackbonePlan visitInterFormer(InterFormerBackbone interFormer) {
        return InterFormerPlan.of(interFormer, fields, dim);
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

  /** Rows of each hashed table (its buckets and the padding row) by owning feature: known from the spec alone. */
  public Map<String, Integer> hashedTableRows() {
    Map<String, Integer> rows = new LinkedHashMap<>();
    for (String owner : embeddingTables()) {
      Feature f = spec.feature(owner);
      if (f.isHashed()) {
        rows.put(owner, f.hashBuckets() + 1);
      }
    }
    return rows;
  }

  /**
   * Rows of each embedding table by owning feature, in first-use order: hashed tables from the spec,
   * the others from {@code vocabularySizes} (PAD and OOV included); a table of neither is left out.
   */
  public Map<String, Integer> tableRows(Map<String, Integer> vocabularySizes) {
    Map<String, Integer> hashed = hashedTableRows();
    Map<String, Integer> rows = new LinkedHashMap<>();
    for (String owner : embeddingTables()) {
      Integer size = hashed.containsKey(owner) ? hashed.get(owner) : vocabularySizes.get(owner);
      if (size != null) {
        rows.put(owner, size);
      }
    }
    return rows;
  }

  /**
   * Rows of a backbone's own table repeating {@code owners}' tables, when {@code tables} (by owner, as
   * {@link #tableRows(Map)} gives them) knows every one.
   */
  private static OptionalLong rowsOf(List<String> owners, Map<String, Integer> tables) {
    if (!tables.keySet().containsAll(owners)) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(owners.stream().mapToLong(tables::get).sum());
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
   * Blocks, output shapes and non-embedding parameter counts; embedding parameters too when every
   * table is hashed (the others need vocabulary sizes).
   */
  public ModelSummary summary() {
    return summary(Map.of());
  }

  /**
   * The block table. Embedding parameters depend on vocabulary sizes (rows per table, PAD and OOV
   * included) and hashed tables' buckets; without the sizes of every vocabulary, only the
   * non-embedding count is known.
   */
  public ModelSummary summary(Map<String, Integer> vocabularySizes) {
    int dim = dim();
    // one embedding row per vocabulary entry or bucket and per scaled numeric field, of width D (and of width 1 for
    // FM's first order)
    OptionalLong tableRows = OptionalLong.empty();
    Map<String, Integer> tables = tableRows(vocabularySizes);
    if (tables.size() == embeddingTables().size()) {
      long rows = tables.values().stream().mapToLong(Integer::longValue).sum();
      long numeric = fields.stream().filter(f -> f.kind() == FeatureKind.NUMERIC && !f.hasVocabulary()).count();
      tableRows = OptionalLong.of(rows + numeric);
    }
    long unknown = -1;
    List<SummaryRow> rows = new ArrayList<>();
    rows.add(new SummaryRow("embedding", "embedding", List.of(fields.size(), dim),
        tableRows.isPresent() ? tableRows.getAsLong() * dim : unknown, true));
    if (backbone.firstOrder()) {
      rows.add(new SummaryRow(spec.backbone().pathName() + ".first_order", "first-order weights", List.of(1),
          tableRows.orElse(unknown), true));
    }
    int width = dim + (backbone.firstOrder() ? 1 : 0);
    OptionalLong embedding = tableRows.isPresent() ? OptionalLong.of(tableRows.getAsLong() * width) : OptionalLong.empty();
    for (Map.Entry<String, List<String>> own : backbone.ownTables().entrySet()) {
      OptionalLong ownRows = rowsOf(own.getValue(), tables);
      rows.add(new SummaryRow(own.getKey(), "own embedding table (" + String.join(", ", own.getValue()) + ")",
          List.of(dim), ownRows.isPresent() ? ownRows.getAsLong() * dim : unknown, true));
      embedding = embedding.isPresent() && ownRows.isPresent()
          ? OptionalLong.of(embedding.getAsLong() + ownRows.getAsLong() * dim) : OptionalLong.empty();
    }
    rows.addAll(backbone.rows());
    rows.add(new SummaryRow("head", "head " + spec.head().kind().name().toLowerCase(java.util.Locale.ROOT),
        List.of(1), headParameters()));
    return new ModelSummary(spec.name(), rows, embedding);
  }
}
