package io.dlf.dsl.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.Frappe;
import io.dlf.dsl.Presets;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Every rule of a model spec fails with the block path and what was expected. */
class SpecValidationTest {

  private static ModelSpecBuilder paper() {
    return Frappe.declare(Presets.dlfPaper());
  }

  private static Violation only(ModelSpecBuilder builder) {
    SpecException e = assertThrows(SpecException.class, builder::build);
    assertEquals(1, e.violations().size(), e.getMessage());
    return e.violations().get(0);
  }

  private static void assertViolation(ModelSpecBuilder builder, String path, String fragment) {
    Violation v = only(builder);
    assertEquals(path, v.path(), v.toString());
    assertTrue(v.message().contains(fragment), v.toString());
  }

  private static ModelSpecBuilder layer(int index, UnaryOperator<DlfLayer> change) {
    return paper().dlf(d -> {
      List<DlfLayer> layers = new java.util.ArrayList<>(d.layers());
      layers.set(index, change.apply(layers.get(index)));
      return d.layers(layers);
    });
  }

  @Test
  void nonPositiveSizesNameTheirBlock() {
    assertViolation(layer(1, l -> l.highRank(l.highRank().tokens(0))), "dlf.layers[1].high_rank.tokens", "at least 1");
    assertViolation(layer(0, l -> l.lowRank(l.lowRank().rank(-3))), "dlf.layers[0].low_rank.rank", "-3");
    assertViolation(layer(2, l -> l.highRank(l.highRank().mlp(Mlp.of(128, 0)))), "dlf.layers[2].high_rank.mlp.hidden[1]",
        "at least 1");
    assertViolation(layer(0, l -> l.implicit(l.implicit().tokens(0))), "dlf.layers[0].implicit.tokens", "at least 1");
    assertViolation(paper().embeddingDim(0), "embedding.dim", "at least 1");
    assertViolation(layer(2, l -> l.fusion(l.fusion().sublayers(0))), "dlf.layers[2].naf.sublayers", "at least 1");
    assertViolation(layer(2, l -> l.fusion(l.fusion().attentionDim(0))), "dlf.layers[2].naf.attention_dim", "at least 1");
  }

  @Test
  void headsMustDivideTheAttentionWidth() {
    assertViolation(layer(2, l -> l.fusion(l.fusion().heads(3))), "dlf.layers[2].naf.heads",
        "3 heads do not divide attention_dim 64");
  }

  @Test
  void layerListMustNotBeEmpty() {
    assertViolation(paper().dlf(d -> d.layers(List.of())), "dlf.layers", "at least one layer");
  }

  @Test
  void usedFeaturesMustBeDeclared() {
    assertViolation(paper().dlf(d -> d.inputs(List.of("user", "price"))), "dlf.inputs[1]",
        "feature 'price' is used but not declared");
    assertViolation(paper().feature(Feature.sequence("history", 5).vocabularyFrom("apps")),
        "features[10].vocabulary_from", "'apps' is not declared");
  }

  @Test
  void featureRules() {
    assertViolation(ModelSpec.builder("m").backbone(DlfBackbone.of(1, DlfLayer.paper())), "features", "at least one");
    assertViolation(paper().categorical("user"), "features[10].name", "duplicate feature name 'user'");
    assertViolation(paper().categorical("bad name"), "features[10].name", "must match");
    assertViolation(paper().feature(Feature.sequence("history", 0)), "features[10].max_length", "at least 1");
    assertViolation(paper().feature(Feature.categorical("x").minCount(0)), "features[10].min_count", "at least 1");
    assertViolation(paper().feature(Feature.numeric("x").vocabularyFrom("user")), "features[10].vocabulary_from",
        "no vocabulary");
  }

  @Test
  void trainingHyperparameters() {
    assertViolation(paper().dropout(1f), "dropout", "[0, 1)");
    assertViolation(paper().regularization(new Regularization(-0.1f, 0f)), "regularization.embedding_l2", "non-negative");
    assertViolation(paper().head(Head.mlp(Mlp.of())), "head.mlp.hidden", "at least one hidden layer");
    assertViolation(paper().name(""), "name", "letters, digits");
  }

  @Test
  void structuralRules() {
    assertViolation(layer(0, l -> l.highRank(l.highRank().enabled(false)).lowRank(l.lowRank().enabled(false))
        .implicit(l.implicit().enabled(false))), "dlf.layers[0]", "at least one of high_rank, low_rank, implicit");
    assertViolation(layer(1, l -> l.highRank(l.highRank().enabled(false)).lowRank(l.lowRank().enabled(false))),
        "dlf.layers[1].naf", "at least 2 enabled blocks, found [implicit]");
    assertViolation(paper().dlf(d -> d.layers(d.layers().subList(0, 1)).fusionSite(FusionSite.FINAL_ONLY)),
        "dlf.layers[0].fusion",
        "must be concat, not naf");
  }

  @Test
  void baselineRulesNameTheirBlock() {
    assertViolation(Frappe.declare(Presets.dcnV2()).dcnV2(d -> d.crossLayers(0)), "dcnv2.cross_layers",
        "0 must be at least 1");
    assertViolation(Frappe.declare(Presets.dcnV2()).dcnV2(d -> d.dnn(Mlp.of(400, -2))), "dcnv2.dnn.hidden[1]",
        "-2 must be at least 1");
    assertViolation(Frappe.declare(Presets.dcnV2()).dcnV2(d -> d.inputs(List.of("user", "price"))),
        "dcnv2.inputs[1]", "feature 'price' is used but not declared");
    assertViolation(Frappe.declare(Presets.deepFm()).deepFm(d -> d.dnn(Mlp.of())), "deepfm.dnn.hidden",
        "at least one hidden layer");
    assertViolation(Frappe.declare(Presets.deepFm()).deepFm(d -> d.dnn(Mlp.of(0))), "deepfm.dnn.hidden[0]",
        "0 must be at least 1");
    assertViolation(Frappe.declare(Presets.deepFm()).deepFm(d -> d.inputs(List.of("user"))), "deepfm.inputs",
        "pairwise interactions need at least 2 fields, found 1");
    assertViolation(Presets.fm().categorical("user"), "fm.inputs", "at least 2 fields");
    assertViolation(Frappe.declare(Presets.fm()).head(Head.mlp(Mlp.of(16))), "head.kind", "must be LINEAR");
  }

  @Test
  void finalMlpRulesNameTheirBlock() {
    assertViolation(finalMlp(f -> f.stream1(f.stream1().mlp(Mlp.of()))), "finalmlp.stream1.mlp.hidden",
        "each stream needs at least one hidden layer");
    assertViolation(finalMlp(f -> f.stream2(f.stream2().mlp(Mlp.of(0)))), "finalmlp.stream2.mlp.hidden[0]",
        "0 must be at least 1");
    assertViolation(finalMlp(f -> f.featureSelection(Mlp.of(400, -1))), "finalmlp.feature_selection.hidden[1]",
        "-1 must be at least 1");
    assertViolation(finalMlp(f -> f.heads(0)), "finalmlp.heads", "0 must be at least 1");
    assertViolation(finalMlp(f -> f.heads(8)), "finalmlp.heads",
        "8 heads do not divide the stream output widths 400 and 100");
    assertViolation(finalMlp(f -> f.heads(3)), "finalmlp.heads", "3 heads do not divide");
    assertViolation(finalMlp(f -> f.stream1(f.stream1().fsContext(List.of("price")))),
        "finalmlp.stream1.fs_context[0]", "feature 'price' must be one of the backbone's fields (user, item, daytime");
    assertViolation(finalMlp(f -> f.inputs(List.of("user", "item", "weather"))
            .stream2(f.stream2().fsContext(List.of("city")))), "finalmlp.stream2.fs_context[0]",
        "feature 'city' must be one of the backbone's fields (user, item, weather)");
    assertViolation(finalMlp(f -> f.stream1(f.stream1().fsContext(List.of("user", "user")))),
        "finalmlp.stream1.fs_context[1]", "feature 'user' is listed twice");
    assertViolation(finalMlp(f -> f.stream1(f.stream1().dropout(1f))), "finalmlp.stream1.dropout",
        "1.0 must be in [0, 1)");
    assertViolation(finalMlp(f -> f.stream2(f.stream2().dropout(-0.1f))), "finalmlp.stream2.dropout",
        "-0.1 must be in [0, 1)");
    assertViolation(Frappe.declare(Presets.finalMlp()).dropout(0.4f), "dropout",
        "the finalmlp backbone sets dropout per stream (finalmlp.stream1.dropout, finalmlp.stream2.dropout)");
    assertViolation(Frappe.declare(Presets.finalMlp()).head(Head.mlp(Mlp.of(16))), "head.kind",
        "the finalmlp backbone computes the logit itself, so the head is only the global bias and must be LINEAR");
    assertEquals(2, finalMlp(f -> f.separateContextEmbeddings(false)).build().formatVersion());
    assertEquals(4, Frappe.declare(Presets.finalMlp()).build().formatVersion(), "its gates' own context embeddings");
    assertViolation(finalMlp(f -> f.stream2(f.stream2().fsContext(List.of("price")))).numeric("price"),
        "finalmlp.stream2.fs_context[0]", "feature 'price' is NUMERIC; with finalmlp.separate_context_embeddings "
            + "a context feature must be categorical or bucketized numeric");
    assertEquals(2, finalMlp(f -> f.separateContextEmbeddings(false).stream2(f.stream2().fsContext(List.of("price"))))
        .numeric("price").build().formatVersion(), "shared contexts read any field's embedding");
  }

  private static ModelSpecBuilder finalMlp(UnaryOperator<FinalMlpBackbone> change) {
    return Frappe.declare(Presets.finalMlp()).finalMlp(change);
  }

  @Test
  void interFormerRulesNameTheirBlock() {
    assertViolation(Frappe.declare(Presets.interFormer()).interFormer(i -> i.sequence("user")), "interformer.sequence",
        "'user' is CATEGORICAL; the sequence arch reads a SEQUENCE feature's tokens");
    assertViolation(Frappe.declare(Presets.interFormer()).interFormer(i -> i.sequence("clicks")),
        "interformer.sequence", "'clicks' must be one of the backbone's inputs");
    assertViolation(Frappe.withHistory(Presets.interFormer(), 4).interFormer(i -> i.inputs(List.of("user", "item"))),
        "interformer.sequence", "'history' must be one of the backbone's inputs (user, item)");
    assertViolation(Frappe.withHistory(Presets.interFormer(), 4).interFormer(i -> i.recentTokens(5)),
        "interformer.recent_tokens", "5 recent tokens exceed the sequence's max_length 4");
    assertViolation(Frappe.withHistory(Presets.interFormer(), 4).interFormer(i -> i.inputs(List.of(Frappe.HISTORY))),
        "interformer.inputs", "at least one non-sequence feature is required besides the sequence");
    assertViolation(Frappe.declare(Presets.interFormer()).interFormer(i -> i.heads(3)), "interformer.heads",
        "3 heads do not divide the embedding dim 16");
    assertViolation(Frappe.declare(Presets.interFormer()).interFormer(i -> i.heads(0)), "interformer.heads",
        "0 must be at least 1");
    assertViolation(Frappe.declare(Presets.interFormer()).interFormer(i -> i.layers(0)), "interformer.layers",
        "0 must be at least 1");
    assertViolation(Frappe.declare(Presets.interFormer()).interFormer(i -> i.summaryTokens(0)),
        "interformer.summary_tokens", "0 must be at least 1");
    assertViolation(Frappe.declare(Presets.interFormer()).interFormer(i -> i.pmaTokens(-1)), "interformer.pma_tokens",
        "-1 must not be negative");
    assertViolation(Frappe.declare(Presets.interFormer()).interFormer(i -> i.recentTokens(-1)),
        "interformer.recent_tokens", "-1 must not be negative");
    assertViolation(Frappe.declare(Presets.interFormer()).interFormer(i -> i.ffnMultiplier(0)),
        "interformer.ffn_multiplier", "0 must be at least 1");
    assertEquals(2, Frappe.withHistory(Presets.interFormer(), 4).build().formatVersion());
  }

  @Test
  void mgdinRulesNameTheirBlock() {
    assertViolation(Frappe.declare(Presets.mgdin()).mgdin(m -> m.granularities(1, 0)), "mgdin.granularities[1]",
        "0 fields per group must be positive");
    assertViolation(Frappe.declare(Presets.mgdin()).mgdin(m -> m.granularities(1, 11)), "mgdin.granularities[1]",
        "groups of 11 fields need at least 11 fields, the backbone reads 10");
    assertViolation(Frappe.declare(Presets.mgdin()).mgdin(m -> m.granularities(2, 2)), "mgdin.granularities[1]",
        "granularity 2 is listed twice");
    assertViolation(Frappe.declare(Presets.mgdin()).mgdin(m -> m.granularities(new int[0])), "mgdin.granularities",
        "at least one granularity");
    assertViolation(Frappe.declare(Presets.mgdin()).mgdin(m -> m.heads(3)), "mgdin.heads",
        "3 heads do not divide width 64 (heads must divide the branch width)");
    assertViolation(Frappe.declare(Presets.mgdin()).mgdin(m -> m.heads(0)), "mgdin.heads", "0 must be at least 1");
    assertViolation(Frappe.declare(Presets.mgdin()).mgdin(m -> m.layers(0)), "mgdin.layers", "0 must be at least 1");
    assertViolation(Frappe.declare(Presets.mgdin()).mgdin(m -> m.width(0)), "mgdin.width", "0 must be at least 1");
    assertViolation(Frappe.declare(Presets.mgdin()).mgdin(m -> m.ffnMultiplier(0)), "mgdin.ffn_multiplier",
        "0 must be at least 1");
    assertViolation(Frappe.declare(Presets.mgdin()).mgdin(m -> m.inputs(List.of("user", "item", "city", "cost", "price"))),
        "mgdin.inputs[4]", "feature 'price' is used but not declared");
    assertEquals(2, Frappe.declare(Presets.mgdin()).build().formatVersion());
  }

  @Test
  void baselinesNeedFormatTwo() {
    ModelSpec dcn = Frappe.declare(Presets.dcnV2()).build();
    assertEquals(2, dcn.formatVersion());
    assertEquals(1, Frappe.declare(Presets.dlfPaper()).build().formatVersion(), "DLF specs stay readable by format 1");
    SpecException e = assertThrows(SpecException.class, () -> new ModelSpec(1, dcn.name(), dcn.features(),
        dcn.embedding(), dcn.backbone(), dcn.head(), dcn.regularization(), dcn.dropout()));
    assertEquals("format_version", e.violations().get(0).path());
    assertTrue(e.violations().get(0).message().contains("the dcnv2 backbone needs format 2 or newer, found 1"),
        e.getMessage());
  }

  @Test
  void everyViolationIsReportedAtOnce() {
    SpecException e = assertThrows(SpecException.class,
        () -> layer(0, l -> l.highRank(l.highRank().tokens(0).rank(0))).dropout(2f).build());
    assertEquals(List.of("dropout", "dlf.layers[0].high_rank.tokens", "dlf.layers[0].high_rank.rank"),
        e.violations().stream().map(Violation::path).toList());
    assertTrue(e.getMessage().startsWith("Invalid model spec 'dlf-paper': dropout: 2.0 must be in [0, 1)"), e.getMessage());
  }

  @Test
  void sizesAboveTheirMaximumNameTheirBlockAndTheMaximum() {
    assertViolation(layer(0, l -> l.lowRank(l.lowRank().tokens(2_000_000))), "dlf.layers[0].low_rank.tokens",
        "2000000 must be at most 1,024");
    assertViolation(layer(1, l -> l.highRank(l.highRank().rank(Integer.MAX_VALUE))), "dlf.layers[1].high_rank.rank",
        "must be at most 1,024");
    assertViolation(layer(2, l -> l.highRank(l.highRank().mlp(Mlp.of(Integer.MAX_VALUE)))),
        "dlf.layers[2].high_rank.mlp.hidden[0]", "must be at most 16,384");
    assertViolation(layer(0, l -> l.highRank(l.highRank().mlp(Mlp.of(new int[17])))),
        "dlf.layers[0].high_rank.mlp.hidden", "17 entries must be at most 16");
    assertViolation(layer(0, l -> l.implicit(l.implicit().tokens(1_025))), "dlf.layers[0].implicit.tokens", "1,024");
    assertViolation(layer(2, l -> l.fusion(l.fusion().sublayers(17))), "dlf.layers[2].naf.sublayers", "at most 16");
    assertViolation(paper().embeddingDim(1_000_000_000), "embedding.dim", "1000000000 must be at most 1,024");
    assertViolation(paper().dlf(d -> d.layers(java.util.Collections.nCopies(33, d.layers().get(0)))), "dlf.layers",
        "33 entries must be at most 32");
    assertViolation(paper().feature(Feature.sequence("history", 4_097)), "features[10].max_length", "at most 4,096");
    assertViolation(paper().feature(Feature.sequence("history", 5).separator("-".repeat(17))),
        "features[10].separator", "17 characters must be at most 16");
    assertViolation(paper().feature(Feature.categorical("x").minCount(Integer.MAX_VALUE)), "features[10].min_count",
        "at most 1,000,000,000");
    assertViolation(Presets.dcnV2().categorical("a", "b").dcnV2(d -> d.crossLayers(100)), "dcnv2.cross_layers",
        "at most 32");
    assertViolation(Frappe.declare(Presets.mgdin()).mgdin(m -> m.width(8_192)), "mgdin.width", "at most 4,096");
  }

  @Test
  void longValuesAreQuotedShortInMessages() {
    String huge = "f".repeat(1 << 20);
    Violation v = only(paper().categorical(huge));
    assertEquals("features[10].name", v.path());
    assertTrue(v.message().length() < 200, v.message());
    assertTrue(v.message().contains("(1,048,576 characters)"), v.message());
    Violation name = only(paper().name(huge + "/"));
    assertTrue(name.message().length() < 200, name.message());
  }
}
