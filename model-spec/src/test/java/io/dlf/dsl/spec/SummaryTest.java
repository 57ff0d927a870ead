package io.dlf.dsl.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.Frappe;
import io.dlf.dsl.Presets;
import io.dlf.dsl.plan.FinalMlpPlan;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.plan.ModelSummary;
import io.dlf.dsl.plan.SummaryRow;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

  @Test
  void referencePresetOnFrappeHasThePublishedParameterCounts() {
    ModelSpec spec = Frappe.declare(Presets.dlfReference()).build();
    ModelSummary summary = ModelPlan.of(spec).summary(Frappe.VOCABULARY_SIZES);

    // dlf-model-reference.md §16: 14,463,905 non-embedding and 5,399 x 64 embedding parameters.
    assertEquals(14_463_905L, summary.nonEmbeddingParameters());
    assertEquals(345_536L, summary.embeddingParameters().orElseThrow());
  }

  @Test
  void referencePresetShapesMatchTheReference() {
    ModelSummary summary = ModelPlan.of(Frappe.declare(Presets.dlfReference()).build()).summary();
    // every layer outputs 96 tokens of 64; each block 32 tokens
    for (int layer = 0; layer < 3; layer++) {
      assertEquals(List.of(96, 64), row(summary, "dlf.layers[" + layer + "].residual").outputShape());
      assertEquals(List.of(32, 64), row(summary, "dlf.layers[" + layer + "].low_rank").outputShape());
    }
    assertEquals(1_175_760L, row(summary, "dlf.layers[0].high_rank").parameters());
    assertEquals(3_147_777L, row(summary, "head").parameters());
    assertEquals(-1L, row(summary, "embedding").parameters(), "unknown without vocabulary sizes");
  }

  @Test
  void paperPresetDoublesTokensThroughNaf() {
    ModelSummary summary = ModelPlan.of(Frappe.declare(Presets.dlfPaper()).build()).summary();
    assertEquals(List.of(192, 64), row(summary, "dlf.layers[0].naf").outputShape());
    assertEquals(List.of(192, 64), row(summary, "dlf.layers[2].residual").outputShape());
  }

  @Test
  void finalOnlyFusionKeepsOneStreamPerBlock() {
    ModelSummary summary = ModelPlan.of(Frappe.declare(Presets.named("dlf-paper-no-naf")).build()).summary();
    assertEquals(List.of(32, 64), row(summary, "dlf.layers[2].residual_high_rank").outputShape());
    assertEquals(List.of(32, 64), row(summary, "dlf.layers[2].residual_implicit").outputShape());
    // the head reads the three streams' 96 tokens
    assertEquals(96L * 64 + 1, row(summary, "head").parameters());
  }

  @Test
  void tableListsEveryBlock() {
    String table = ModelPlan.of(Frappe.declare(Presets.dlfReference()).build()).summary(Frappe.VOCABULARY_SIZES).table();
    assertEquals(true, table.contains("dlf.layers[1].implicit"), table);
    assertEquals(true, table.contains("non-embedding parameters: 14,463,905"), table);
  }

  @Test
  void deepFmOnFrappeMatchesTheBarsRun() {
    ModelSummary summary = ModelPlan.of(Frappe.declare(Presets.deepFm()).build()).summary(Frappe.VOCABULARY_SIZES);
    // DNN 100 -> 400 -> 400 -> 400 with batch norm, then the head's 400 -> 1
    assertEquals(363_600L, row(summary, "deepfm.dnn").parameters());
    assertEquals(364_001L, summary.nonEmbeddingParameters());
    // 5,399 rows of D = 10 plus a first-order weight each. BARS logs 423,280 parameters in all: its
    // FuxiCTR 1.1 vocabulary has no OOV row, 10 rows (x 11 weights) fewer than ours.
    assertEquals(5_399L * 11, summary.embeddingParameters().orElseThrow());
    assertEquals(423_280L + 10 * 11, summary.nonEmbeddingParameters() + summary.embeddingParameters().orElseThrow());
    assertEquals(5_399L, row(summary, "deepfm.first_order").parameters());
    assertEquals(List.of(400), row(summary, "deepfm.dnn").outputShape());
  }

  @Test
  void fmHeadIsOnlyTheGlobalBias() {
    ModelSummary summary = ModelPlan.of(Frappe.declare(Presets.fm()).build()).summary(Frappe.VOCABULARY_SIZES);
    assertEquals(1L, summary.nonEmbeddingParameters());
    assertEquals(List.of(1), row(summary, "fm.pairwise").outputShape());
  }

  @Test
  void dcnV2ShapesFollowItsStructure() {
    ModelSummary parallel = ModelPlan.of(Frappe.declare(Presets.dcnV2()).build()).summary();
    // 4 full-rank cross layers over F x D = 100 values, then the head over cross (100) and DNN (400) outputs
    assertEquals(4L * (100 * 100 + 100), row(parallel, "dcnv2.cross").parameters());
    assertEquals(List.of(400), row(parallel, "dcnv2.dnn").outputShape());
    assertEquals(501L, row(parallel, "head").parameters());
    ModelSummary stacked = ModelPlan.of(Frappe.declare(Presets.dcnV2())
        .dcnV2(d -> d.structure(CrossStructure.STACKED)).build()).summary();
    assertEquals(401L, row(stacked, "head").parameters());
    ModelSummary crossOnly = ModelPlan.of(Frappe.declare(Presets.dcnV2()).dcnV2(d -> d.dnn(Mlp.of())).build()).summary();
    assertEquals(101L, row(crossOnly, "head").parameters());
  }

  @Test
  void finalMlpOnFrappeHasBarsSizes() {
    ModelSummary summary = ModelPlan.of(Frappe.declare(Presets.finalMlp()).build()).summary(Frappe.VOCABULARY_SIZES);
    // each gate: context (one field, D = 10) -> 400 (ReLU) -> F x D = 100
    long gate = (10 * 400 + 400) + (400 * 100 + 100);
    assertEquals(gate, row(summary, "finalmlp.stream1.feature_selection").parameters());
    assertEquals(List.of(100), row(summary, "finalmlp.stream2.feature_selection").outputShape());
    // streams 100 -> 400 and 100 -> 100, each with batch norm
    assertEquals(100L * 400 + 400 + 2 * 400, row(summary, "finalmlp.stream1.mlp").parameters());
    assertEquals(List.of(100), row(summary, "finalmlp.stream2.mlp").outputShape());
    // fusion: w1 (400), w2 (100) and 5 heads of 80 x 20
    assertEquals(400L + 100 + 5 * 80 * 20, row(summary, "finalmlp.fusion").parameters());
    assertEquals(1L, row(summary, "head").parameters(), "only the global bias");
    assertEquals(2 * gate + 41_200 + 10_300 + 8_500 + 1, summary.nonEmbeddingParameters());
    // the field embeddings and the gates' own user and item tables
    assertEquals(956L * 10, row(summary, FinalMlpPlan.contextTablePath(0)).parameters());
    assertEquals((5_399L + 956 + 4_084) * 10, summary.embeddingParameters().orElseThrow());
    // BARS logs 253,392 parameters: FuxiCTR's fusion has two biases where this model has the head's one
    assertEquals(253_391L, summary.nonEmbeddingParameters() + summary.embeddingParameters().orElseThrow());
    ModelSummary shared = ModelPlan.of(Frappe.declare(Presets.finalMlp()).finalMlp(f -> f.separateContextEmbeddings(false))
        .build()).summary(Frappe.VOCABULARY_SIZES);
    assertEquals(5_399L * 10, shared.embeddingParameters().orElseThrow());
    ModelSummary learned = ModelPlan.of(Frappe.declare(Presets.finalMlp())
        .finalMlp(f -> f.stream2(f.stream2().fsContext(List.of()))).build()).summary();
    assertEquals(gate + 10, row(learned, "finalmlp.stream2.feature_selection").parameters(),
        "a learned context vector of D instead of the item embedding");
  }

  @Test
  void wukongIsTheReferenceWithoutTheLowRankBlock() {
    ModelSummary summary = ModelPlan.of(Frappe.declare(Presets.named("wukong")).build()).summary();
    // 32 FM-block tokens and 32 implicit tokens per layer
    assertEquals(List.of(64, 64), row(summary, "dlf.layers[2].residual").outputShape());
    assertEquals(List.of(32, 64), row(summary, "dlf.layers[0].high_rank").outputShape());
    assertTrue(summary.rows().stream().noneMatch(r -> r.path().endsWith("low_rank")), summary.table());
  }

  @Test
  void interFormerWithHistoryOnFrappe() {
    ModelSummary summary = ModelPlan.of(Frappe.withHistory(Presets.interFormer(), 6).build()).summary(Frappe.VOCABULARY_SIZES);
    long d = 16;
    long gate = d * d + d;
    // X summary: 10 fields compressed to 4 tokens, gated; S summary: 2 seeds, K/V/O projections, gate
    long cross = 10 * 4 + gate + gate + 2 * d + 2 * d * d + (d * d + d);
    long attention = 3 * d * d + (d * d + d);
    long interaction = attention + 2 * d + (d * 32 + 32) + (32 * d + d) + 2 * d;
    long sequence = 4 * d + 2 * d + attention + 2 * d;
    assertEquals(cross, row(summary, "interformer.layers[0].cross").parameters());
    assertEquals(List.of(10, 16), row(summary, "interformer.layers[1].interaction").outputShape());
    assertEquals(List.of(10, 16), row(summary, "interformer.layers[1].sequence").outputShape());
    assertEquals(sequence, row(summary, "interformer.layers[1].sequence").parameters());
    // head: 4 X-summary tokens and 4 CLS + 2 PMA + 2 recent
    assertEquals(List.of(12, 16), row(summary, "interformer.summary").outputShape());
    long head = (12 * d * 256 + 256) + (256 * 128 + 128) + (128 + 1);
    assertEquals(3 * cross + 2 * (interaction + sequence) + head, summary.nonEmbeddingParameters());
    assertEquals(5_399L * 16, summary.embeddingParameters().orElseThrow());
  }

  @Test
  void mgdinPresetOnFrappe() {
    ModelSummary summary = ModelPlan.of(Frappe.declare(Presets.mgdin()).build()).summary(Frappe.VOCABULARY_SIZES);
    // per layer: Q, K, V 3 x 64 x 64, output 64 x 64 + 64, FFN 64 -> 256 -> 64 with biases, two LayerNorms
    long layer = 3 * 64 * 64 + (64 * 64 + 64) + (64 * 256 + 256) + (256 * 64 + 64) + 2 * 2 * 64;
    assertEquals(layer, row(summary, "mgdin.g2.layers[1]").parameters());
    assertEquals(List.of(5, 64), row(summary, "mgdin.g2.layers[1]").outputShape());
    assertEquals(List.of(2, 64), row(summary, "mgdin.g5.projection").outputShape());
    assertEquals(5L * 16 * 64 + 64, row(summary, "mgdin.g5.projection").parameters());
    assertEquals(List.of(192), row(summary, "mgdin.pool").outputShape());
    long projections = (16 * 64 + 64) + (32 * 64 + 64) + (80 * 64 + 64);
    long head = (192 * 256 + 256) + (256 * 128 + 128) + (128 + 1);
    assertEquals(projections + 9 * layer + head, summary.nonEmbeddingParameters());
    assertEquals(5_399L * 16, summary.embeddingParameters().orElseThrow());
  }

  private static SummaryRow row(ModelSummary summary, String path) {
    return summary.rows().stream().filter(r -> r.path().equals(path)).findFirst()
        .orElseThrow(() -> new AssertionError("no row " + path + " in\n" + summary.table()));
  }
}
