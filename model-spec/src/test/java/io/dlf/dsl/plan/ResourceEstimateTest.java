package io.dlf.dsl.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.Frappe;
import io.dlf.dsl.Presets;
import io.dlf.dsl.plan.ResourceEstimate.Kind;
import io.dlf.dsl.spec.DeepFmBackbone;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.Head;
import io.dlf.dsl.spec.Mlp;
import io.dlf.dsl.spec.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class ResourceEstimateTest {
  /** Frappe's real sizes: evaluation (at most 57,722 rows) and the training step both matter. */
  private static final DataSize FRAPPE = DataSize.read(202_027, 57_722, 28_860, Frappe.VOCABULARY_SIZES, 40_000);
  /** Small validation and test splits, so the training step is the larger of step and evaluation. */
  private static final DataSize SMALL_EVAL = DataSize.read(202_027, 100, 100, Frappe.VOCABULARY_SIZES, 40_000);

  private static ModelPlan paper(int dim, int tokens, int hidden) {
    return ModelPlan.of(Frappe.declare(Presets.dlfPaper(new Presets.Size(dim, 2, tokens, 4, hidden))).build());
  }

  private static void assertIncreasing(IntFunction<ResourceEstimate> estimate, int... values) {
    long previous = -1;
    for (int value : values) {
      long bytes = estimate.apply(value).bytes();
      assertTrue(bytes > previous, value + ": " + bytes + " after " + previous);
      previous = bytes;
    }
  }

  @Test
  void growsWithTheBatchSizeAndEverySize() {
    BatchSizes usual = BatchSizes.of(4096, 50_000);
    assertIncreasing(batch -> ResourceEstimate.of(paper(16, 8, 64), BatchSizes.of(batch, 50_000), SMALL_EVAL),
        1, 256, 4096, 100_000);
    assertIncreasing(dim -> ResourceEstimate.of(paper(dim, 8, 64), usual, FRAPPE), 4, 16, 64, 256);
    assertIncreasing(tokens -> ResourceEstimate.of(paper(16, tokens, 64), usual, FRAPPE), 2, 8, 32, 128);
    assertIncreasing(hidden -> ResourceEstimate.of(paper(16, 8, hidden), usual, FRAPPE), 16, 64, 512, 4096);
    assertIncreasing(rows -> ResourceEstimate.of(paper(16, 8, 64), usual,
        DataSize.read(rows, 100, 100, Map.of("user", rows), 0)), 1_000, 100_000, 10_000_000);
  }

  @Test
  void microBatchesHoldOnePartsActivationsAndEvaluationItsOwnBatch() {
    ModelPlan plan = paper(64, 32, 512);
    long whole = ResourceEstimate.of(plan, BatchSizes.of(10_000, 100), SMALL_EVAL).bytes(Kind.STEP);
    // 10,000 rows in 3 parts: the first part, 3,334 rows, is the largest
    long thirds = ResourceEstimate.of(plan, new BatchSizes(10_000, 3, 100), SMALL_EVAL).bytes(Kind.STEP);
    assertEquals(whole * 3_334 / 10_000, thirds, whole / 1_000_000.0);
    assertEquals(3_334, new BatchSizes(10_000, 3, 100).stepRows());
    // the batches read ahead are whole batches, parts or not
    assertEquals(ResourceEstimate.of(plan, BatchSizes.of(10_000, 100), SMALL_EVAL).bytes(Kind.DATA),
        ResourceEstimate.of(plan, new BatchSizes(10_000, 3, 100), SMALL_EVAL).bytes(Kind.DATA));

    ResourceEstimate evaluating = ResourceEstimate.of(plan, new BatchSizes(4096, 4, 50_000), FRAPPE);
    assertEquals(ResourceEstimate.EVAL_BATCH_SIZE, evaluating.driver(), evaluating.toString());
    assertTrue(ResourceEstimate.of(plan, new BatchSizes(4096, 4, 4096), FRAPPE).bytes(Kind.STEP)
        < evaluating.bytes(Kind.STEP) / 4);
  }

  @Test
  void stateCountsFiveFloatsPerParameterOfAHandCountedModel() {
    // DeepFM on two categorical fields, D = 4, a DNN of one hidden layer of 8 without batch norm
    ModelSpec spec = ModelSpec.builder("tiny").categorical("a", "b").embeddingDim(4)
        .backbone(DeepFmBackbone.of(Mlp.of(8).batchNorm(false))).head(Head.linear()).build();
    DataSize data = DataSize.read(1_000, 100, 100, Map.of("a", 10, "b", 20), 0);
    ResourceEstimate estimate = ResourceEstimate.of(ModelPlan.of(spec), BatchSizes.of(100, 100), data);
    long embedding = (10 + 20) * 4; // rows x D
    long firstOrder = 10 + 20; // a weight per row
    long dnn = 8 * 8 + 8; // x of 2 x 4 to 8 units, with bias
    long head = 8 + 1;
    long parameters = embedding + firstOrder + dnn + head;
    assertEquals(parameters * 5 * 4 * ResourceEstimate.SAFETY_PERCENT / 100, estimate.bytes(Kind.STATE), estimate.toString());
  }

  @Test
  void anOverflowIsAClearRefusalNotAnException() {
    DataSize endless = DataSize.read(100, Long.MAX_VALUE / 2, 100, Frappe.VOCABULARY_SIZES, 0);
    ResourceEstimate estimate = ResourceEstimate.of(paper(16, 8, 64), BatchSizes.of(4096, 50_000), endless);
    assertTrue(estimate.overflows());
    assertEquals(Long.MAX_VALUE, estimate.bytes());
    assertEquals("more than 2^63 bytes", estimate.describe());
    assertEquals(ResourceEstimate.DATA, estimate.driver());
  }

  @Test
  void theDriverIsTheSizeBehindTheMostBytes() {
    assertEquals(ResourceEstimate.BATCH_SIZE,
        ResourceEstimate.of(paper(16, 8, 64), BatchSizes.of(200_000, 50_000), SMALL_EVAL).driver());
    assertEquals(ResourceEstimate.DATA, ResourceEstimate.of(paper(16, 8, 64), BatchSizes.of(256, 50_000),
        DataSize.read(100_000_000, 100, 100, Map.of("user", 500_000_000), 0)).driver());
    // the widest block MLP: layer 1's low-rank block also aligns E(1) to the layer's tokens
    ResourceEstimate wide = ResourceEstimate.of(paper(16, 8, 16_384), BatchSizes.of(16, 16), SMALL_EVAL);
    assertEquals("dlf.layers[1].low_rank.mlp.hidden[0]", wide.driver(), wide.toString());
    assertFalse(wide.overflows());
  }

  @Test
  void boundedTablesCountEveryRowOnceAndDropWhatMinCountCannotKeep() {
    ModelSpec spec = ModelSpec.builder("shared").categorical("user").feature(Feature.categorical("item").minCount(4))
        .feature(Feature.categorical("seller").vocabularyFrom("user"))
        .feature(Feature.sequence("history", 10).vocabularyFrom("item").separator("||"))
        .backbone(DeepFmBackbone.bars()).head(Head.linear()).build();
    DataSize bounded = DataSize.bounded(ModelPlan.of(spec), 1_000, 90_000, 200, 100);
    // user: one token per row of user and of seller; item: its own rows and the history's tokens, each
    // at least one character and a two-character separator, seen 4 times to get a row; PAD and OOV
    assertEquals(Map.of("user", 2_000L + 2, "item", (1_000L + 90_000 / 3) / 4 + 2), bounded.tableRows());
    assertEquals(2_000 + 1_000 + 30_000, bounded.distinctTokens());
    assertEquals(90_000, bounded.tokenBytes());
  }

  @Test
  void everyPresetHasAFootprintForEachOfItsBlocks() {
    List<ModelSpec> specs = new ArrayList<>();
    Presets.names().forEach(name -> specs.add(Frappe.declare(Presets.named(name)).build()));
    specs.add(Frappe.withHistory(Presets.named(Presets.INTERFORMER), 20).build());
    for (ModelSpec spec : specs) {
      ResourceEstimate estimate = ResourceEstimate.of(ModelPlan.of(spec), BatchSizes.of(4096, 50_000), FRAPPE);
      assertTrue(estimate.bytes(Kind.STEP) > 0 && estimate.bytes(Kind.STATE) > 0, spec.name() + ": " + estimate);
    }
  }

  @Test
  void humanUnitsAreBinary() {
    assertEquals("512 bytes", ResourceEstimate.human(512));
    assertEquals("1.5 KiB", ResourceEstimate.human(1_536));
    assertEquals("6.0 GiB", ResourceEstimate.human(6L << 30));
  }
}
