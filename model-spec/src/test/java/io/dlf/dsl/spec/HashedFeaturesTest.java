package io.dlf.dsl.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.Frappe;
import io.dlf.dsl.Presets;
import io.dlf.dsl.codec.SpecJson;
import io.dlf.dsl.codec.SpecProtos;
import io.dlf.dsl.encode.HashBuckets;
import io.dlf.dsl.encode.TableIds;
import io.dlf.dsl.encode.Vocabularies;
import io.dlf.dsl.encode.Vocabulary;
import io.dlf.dsl.plan.BatchSizes;
import io.dlf.dsl.plan.DataSize;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.plan.ResourceEstimate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hashed features and the Criteo bucket transform in the spec: their rules, their format, their
 * proto/JSON form and how the plan, the data size and the resource estimate count their tables.
 */
class HashedFeaturesTest {

  /** Frappe with a hashed item, a history hashing through item's table and a bucketized count. */
  private static ModelSpecBuilder criteoLike() {
    ModelSpecBuilder builder = Frappe.declare(Presets.deepFm());
    List<Feature> features = new ArrayList<>(builder.build().features());
    features.set(1, Feature.categorical("item").hashBuckets(1_000_000));
    features.add(Feature.sequence("history", 5).vocabularyFrom("item"));
    features.add(Feature.numeric("count").transform(NumericTransform.CRITEO_LOG_SQUARED_BUCKET));
    return builder.features(features);
  }

  private static void assertViolation(ModelSpecBuilder builder, String path, String fragment) {
    SpecException e = assertThrows(SpecException.class, builder::build);
    assertEquals(1, e.violations().size(), e.getMessage());
    assertEquals(path, e.violations().get(0).path(), e.getMessage());
    assertTrue(e.violations().get(0).message().contains(fragment), e.getMessage());
  }

  @Test
  void hashingAndBucketizingNeedFormatThree() {
    assertEquals(3, criteoLike().build().formatVersion());
    assertEquals(2, Frappe.declare(Presets.deepFm()).build().formatVersion());
    assertEquals(3, Frappe.declare(Presets.dlfPaper()).numeric("x").build().toBuilder()
        .feature(Feature.numeric("n").transform(NumericTransform.CRITEO_LOG_SQUARED_BUCKET)).build().formatVersion());
    ModelSpec spec = criteoLike().build();
    SpecException e = assertThrows(SpecException.class, () -> new ModelSpec(2, spec.name(), spec.features(),
        spec.embedding(), spec.backbone(), spec.head(), spec.regularization(), spec.dropout()));
    assertEquals(List.of("format_version", "format_version"), e.violations().stream().map(Violation::path).toList());
    assertTrue(e.getMessage().contains("feature 'item' hashes its values or makes categories of numbers, which needs "
        + "format 3 or newer, found 2"), e.getMessage());
  }

  @Test
  void hashBucketsAreBoundedAndOnlyForFeaturesOwningATable() {
    ModelSpecBuilder paper = Frappe.declare(Presets.dlfPaper());
    assertViolation(paper.feature(Feature.categorical("id").hashBuckets(1)), "features[10].hash_buckets",
        "1 must be at least 2");
    assertViolation(Frappe.declare(Presets.dlfPaper()).feature(Feature.categorical("id").hashBuckets(1_000_000_001)),
        "features[10].hash_buckets", "must be at most 1,000,000,000");
    assertViolation(Frappe.declare(Presets.dlfPaper()).feature(Feature.numeric("price").hashBuckets(10)),
        "features[10].hash_buckets", "numeric feature 'price' cannot be hashed");
    assertViolation(Frappe.declare(Presets.dlfPaper()).feature(Feature.sequence("h", 3).vocabularyFrom("user")
        .hashBuckets(10)), "features[10].hash_buckets", "set hash_buckets there only");
    assertViolation(Frappe.declare(Presets.dlfPaper()).feature(Feature.categorical("id").hashBuckets(10).minCount(5)),
        "features[10].min_count", "no effect on hashed feature 'id'");
    assertViolation(Frappe.declare(Presets.dlfPaper()).feature(Feature.categorical("a").hashBuckets(1_000_000_000))
        .feature(Feature.categorical("b").hashBuckets(1_000_000_000))
        .feature(Feature.categorical("c").hashBuckets(1_000_000_000)), "features",
        "3,000,000,003 rows together");
  }

  @Test
  void theCriteoTransformIsForNumericFeaturesWhichThenOwnATable() {
    assertViolation(Frappe.declare(Presets.dlfPaper())
        .feature(Feature.categorical("c").transform(NumericTransform.CRITEO_LOG_SQUARED_BUCKET)),
        "features[10].transform", "applies to numeric features only, not to CATEGORICAL");
    Feature count = Feature.numeric("count").transform(NumericTransform.CRITEO_LOG_SQUARED_BUCKET);
    assertTrue(count.hasVocabulary() && count.isBucketized());
    assertFalse(Feature.numeric("price").transform(NumericTransform.LOG1P).hasVocabulary());
    assertViolation(Frappe.declare(Presets.dlfPaper()).feature(count)
        .feature(Feature.categorical("other").vocabularyFrom("count")), "features[11].vocabulary_from",
        "must be a categorical or sequence feature that owns its vocabulary");
  }

  @Test
  void protoAndJsonRoundTripAndOmitHashBucketsWhereUnused() {
    ModelSpec spec = criteoLike().build();
    assertEquals(spec, SpecProtos.fromProto(SpecProtos.toProto(spec)));
    String json = SpecJson.toJson(spec);
    assertEquals(spec, SpecJson.fromJson(json));
    assertTrue(json.contains("\"hash_buckets\": 1000000"), json);
    assertTrue(json.contains("\"NUMERIC_CRITEO_LOG_SQUARED_BUCKET\""), json);
    assertFalse(SpecJson.toJson(Frappe.declare(Presets.deepFm()).build()).contains("hash_buckets"));
  }

  @Test
  void thePlanCountsHashedTablesFromTheSpec() {
    ModelPlan plan = ModelPlan.of(criteoLike().build());
    assertEquals(Map.of("item", 1_000_001), plan.hashedTableRows());
    Map<String, Integer> vocabularies = new LinkedHashMap<>(Frappe.VOCABULARY_SIZES);
    vocabularies.remove("item");
    vocabularies.put("count", 40);
    Map<String, Integer> rows = plan.tableRows(vocabularies);
    assertEquals(1_000_001, rows.get("item"));
    assertEquals(40, rows.get("count"));
    long tableRows = rows.values().stream().mapToLong(Integer::longValue).sum();
    int width = plan.dim() + 1; // DeepFM's first-order weights
    assertEquals(tableRows * width, plan.summary(vocabularies).embeddingParameters().orElseThrow());
    // without the vocabularies only the hashed table is known, so the total is not
    assertTrue(plan.summary().embeddingParameters().isEmpty());
  }

  @Test
  void onlyHashedTablesAreKnownWithoutData() {
    ModelSpec spec = ModelSpec.builder("hashed").feature(Feature.categorical("a").hashBuckets(100))
        .feature(Feature.categorical("b").hashBuckets(50)).backbone(DeepFmBackbone.bars()).build();
    assertEquals((101 + 51) * (spec.embedding().dim() + 1L),
        ModelPlan.of(spec).summary().embeddingParameters().orElseThrow());
  }

  @Test
  void dataSizeCountsNoTokensOfHashedFeaturesAndTheEstimateCountsTheirTables() {
    ModelPlan plan = ModelPlan.of(criteoLike().build());
    DataSize bounded = DataSize.bounded(plan, 1_000, 50_000, 100, 100);
    assertFalse(bounded.tableRows().containsKey("item"), bounded.toString());
    assertEquals(1_000 * 9L + 1_000, bounded.distinctTokens(), "9 vocabulary categoricals and the bucketized count");
    ResourceEstimate estimate = ResourceEstimate.of(plan, BatchSizes.of(1_000, 1_000), bounded);
    long table = 1_000_001L * (plan.dim() + 1) * 4 * 5 * 125 / 100;
    assertEquals(table, estimate.bytesDrivenBy("features[1].hash_buckets"), estimate.toString());
  }

  @Test
  void tableIdsHashOrLookUp() {
    ModelSpec spec = criteoLike().build();
    ModelPlan plan = ModelPlan.of(spec);
    Map<String, Vocabulary> vocabularies = new LinkedHashMap<>();
    for (String owner : plan.embeddingTables()) {
      if (!owner.equals("item")) {
        vocabularies.put(owner, new Vocabulary(owner, 1, List.of("x")));
      }
    }
    TableIds tables = TableIds.of(plan, new Vocabularies(vocabularies));
    HashBuckets item = (HashBuckets) tables.of(spec.feature("history"));
    assertEquals(new HashBuckets("item", 1_000_000), item);
    assertEquals(1 + item.bucket("i42"), item.id("i42"));
    assertEquals(1, tables.of(spec.feature("count")).id("x"));
    assertEquals(2, tables.of(spec.feature("count")).id("12"), "an unseen category is out of vocabulary");
  }
}
