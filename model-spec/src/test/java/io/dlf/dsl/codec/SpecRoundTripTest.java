package io.dlf.dsl.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.Frappe;
import io.dlf.dsl.Presets;
import io.dlf.dsl.spec.Activation;
import io.dlf.dsl.spec.CrossStructure;
import io.dlf.dsl.spec.DcnV2Backbone;
import io.dlf.dsl.spec.DeepFmBackbone;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.FieldOrdering;
import io.dlf.dsl.spec.FinalMlpBackbone;
import io.dlf.dsl.spec.FinalMlpStream;
import io.dlf.dsl.spec.InterFormerBackbone;
import io.dlf.dsl.spec.InteractionArch;
import io.dlf.dsl.spec.FusionKind;
import io.dlf.dsl.spec.Head;
import io.dlf.dsl.spec.MaskSchedule;
import io.dlf.dsl.spec.MgdinBackbone;
import io.dlf.dsl.spec.Mlp;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.spec.NumericTransform;
import io.dlf.dsl.spec.Pooling;
import io.dlf.dsl.spec.Regularization;
import io.dlf.dsl.spec.SpecException;
import io.dlf.dsl.spec.SummaryGate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class SpecRoundTripTest {

  static Stream<ModelSpec> specs() {
    List<ModelSpec> specs = new ArrayList<>();
    for (String preset : Presets.names()) {
      specs.add(Frappe.declare(Presets.named(preset)).build());
    }
    for (FusionKind kind : FusionKind.values()) {
      specs.add(Frappe.declare(Presets.dlfPaper()).name("fusion-" + kind)
          .dlf(d -> d.eachLayer(l -> l.fusion(l.fusion().kind(kind)))).build());
    }
    specs.add(ModelSpec.builder("mixed-features")
        .categorical("user")
        .feature(Feature.numeric("price").transform(NumericTransform.LOG1P).fillValue(-1f))
        .feature(Feature.sequence("history", 20).pooling(Pooling.SUM).separator(",").vocabularyFrom("user").minCount(3))
        .backbone(io.dlf.dsl.spec.DlfBackbone.of(2, io.dlf.dsl.spec.DlfLayer.reference()))
        .dropout(0.25f)
        .regularization(new Regularization(0.05f, 1e-4f))
        .build());
    specs.add(Frappe.declare(Presets.dcnV2()).name("dcnv2-stacked")
        .dcnV2(d -> d.structure(CrossStructure.STACKED).crossLayers(2).inputs(List.of("item", "user", "city")))
        .build());
    specs.add(Frappe.declare(Presets.dcnV2()).name("dcnv2-cross-only").dcnV2(d -> d.dnn(Mlp.of())).build());
    specs.add(Frappe.declare(Presets.deepFm()).name("deepfm-custom")
        .deepFm(d -> d.dnn(Mlp.of(64, 32).batchNorm(false).activation(Activation.GELU)).inputs(List.of("user", "item")))
        .head(Head.mlp(Mlp.of(16)))
        .build());
    specs.add(Frappe.declare(Presets.finalMlp()).name("finalmlp-custom")
        .finalMlp(f -> f.inputs(List.of("user", "item", "city")).heads(2)
            .stream1(f.stream1().fsContext(List.of("city", "user")).mlp(Mlp.of(64, 32).activation(Activation.GELU))
                .dropout(0.1f))
            .stream2(FinalMlpStream.of(Mlp.of(16).batchNorm(false), 0f))
            .featureSelection(Mlp.of()))
        .build());
    specs.add(Frappe.declare(Presets.mgdin()).name("mgdin-pair-native")
        .mgdin(m -> m.schedule(MaskSchedule.PAIR).ordering(FieldOrdering.NATIVE).granularities(3, 1).layers(2)
            .width(32).heads(4).ffnMultiplier(2).inputs(List.of("city", "item", "user")))
        .build());
    specs.add(Frappe.declare(Presets.interFormer()).build());
    specs.add(Frappe.withHistory(Presets.interFormer(), 5).name("interformer-dot")
        .interFormer(i -> i.interaction(InteractionArch.DOT).gate(SummaryGate.PRINTED).layers(3).heads(4)
            .summaryTokens(3).pmaTokens(1).recentTokens(4).ffnMultiplier(4)
            .inputs(List.of("user", "item", Frappe.HISTORY)))
        .build());
    specs.add(Frappe.declare(Presets.mgdin()).name("mgdin-no-deferral").mgdin(m -> m.schedule(MaskSchedule.NONE))
        .build());
    specs.add(Frappe.declare(Presets.dlfPaper()).name("custom")
        .dlf(d -> d.inputs(List.of("item", "user")).eachLayer(l -> l.highRank(l.highRank().outputActivation(Activation.GELU))))
        .build());
    return specs.stream();
  }

  @ParameterizedTest
  @MethodSource("specs")
  void protoRoundTripIsLossless(ModelSpec spec) {
    assertEquals(spec, SpecProtos.fromProto(SpecProtos.toProto(spec)));
  }

  @ParameterizedTest
  @MethodSource("specs")
  void jsonRoundTripIsLossless(ModelSpec spec) {
    String json = SpecJson.toJson(spec);
    assertEquals(spec, SpecJson.fromJson(json));
    assertTrue(json.contains("\"format_version\": " + spec.formatVersion()), json);
  }

  @Test
  void absentFieldsTakeTheDslDefaults() {
    ModelSpec spec = SpecJson.fromJson("""
        {"format_version": 1, "name": "minimal",
         "features": [{"name": "a", "kind": "CATEGORICAL"}, {"name": "b", "kind": "CATEGORICAL"}],
         "dlf": {"layers": [{}, {"fusion": {"kind": "CONCAT"}}]}}
        """);
    ModelSpec expected = ModelSpec.builder("minimal").categorical("a", "b")
        .backbone(io.dlf.dsl.spec.DlfBackbone.of(1, io.dlf.dsl.spec.DlfLayer.paper())
            .layers(List.of(io.dlf.dsl.spec.DlfLayer.paper(),
                io.dlf.dsl.spec.DlfLayer.paper().fusion(io.dlf.dsl.spec.Fusion.naf().kind(FusionKind.CONCAT)))))
        .build();
    assertEquals(expected, spec);
  }

  @Test
  void presentZeroIsValidatedNotDefaulted() {
    SpecException e = assertThrows(SpecException.class, () -> SpecJson.fromJson("""
        {"format_version": 1, "name": "m", "features": [{"name": "a", "kind": "CATEGORICAL"}],
         "dlf": {"layers": [{"high_rank": {"tokens": 0}}]}}
        """));
    assertEquals("dlf.layers[0].high_rank.tokens", e.violations().get(0).path());
  }

  @Test
  void unknownJsonFieldIsRejectedWithItsName() {
    SpecException e = assertThrows(SpecException.class, () -> SpecJson.fromJson("""
        {"format_version": 1, "name": "m", "fetaures": []}
        """));
    assertTrue(e.getMessage().contains("fetaures"), e.getMessage());
  }

  @Test
  void formatVersionIsRequiredAndBounded() {
    String body = "\"name\": \"m\", \"features\": [{\"name\": \"a\", \"kind\": \"CATEGORICAL\"}], \"dlf\": {\"layers\": [{}]}";
    SpecException missing = assertThrows(SpecException.class, () -> SpecJson.fromJson("{" + body + "}"));
    assertEquals("format_version", missing.violations().get(0).path());
    SpecException newer = assertThrows(SpecException.class,
        () -> SpecJson.fromJson("{\"format_version\": " + (ModelSpec.FORMAT_VERSION + 1) + ", " + body + "}"));
    assertEquals("format_version", newer.violations().get(0).path());
  }

  @Test
  void baselineBackboneInAFormatOneSpecIsRejectedByVersion() {
    SpecException e = assertThrows(SpecException.class, () -> SpecJson.fromJson("""
        {"format_version": 1, "name": "m", "features": [{"name": "a", "kind": "CATEGORICAL"},
         {"name": "b", "kind": "CATEGORICAL"}], "fm": {}}
        """));
    assertEquals(List.of("format_version"), e.violations().stream().map(v -> v.path()).toList());
  }

  @Test
  void absentBaselineFieldsTakeTheBarsDefaults() {
    String features = "\"features\": [{\"name\": \"a\", \"kind\": \"CATEGORICAL\"}, "
        + "{\"name\": \"b\", \"kind\": \"CATEGORICAL\"}]";
    ModelSpec dcn = SpecJson.fromJson("{\"format_version\": 2, \"name\": \"m\", " + features
        + ", \"dcnv2\": {\"cross_layers\": 2}}");
    assertEquals(DcnV2Backbone.bars().crossLayers(2), dcn.backbone());
    ModelSpec deepFm = SpecJson.fromJson("{\"format_version\": 2, \"name\": \"m\", " + features
        + ", \"deepfm\": {}}");
    assertEquals(DeepFmBackbone.bars(), deepFm.backbone());
    ModelSpec finalMlp = SpecJson.fromJson("{\"format_version\": 2, \"name\": \"m\", " + features
        + ", \"finalmlp\": {\"heads\": 10, \"stream2\": {\"fs_context\": [\"b\"], \"dropout\": 0.2}}}");
    FinalMlpBackbone bars = FinalMlpBackbone.bars();
    assertEquals(bars.heads(10).stream2(bars.stream2().fsContext(List.of("b")).dropout(0.2f)), finalMlp.backbone());
  }

  @Test
  void separateContextEmbeddingsAreWrittenOnlyWhenSetAndNeedFormatFour() {
    ModelSpec separate = Frappe.declare(Presets.finalMlp()).build();
    String json = SpecJson.toJson(separate);
    assertTrue(json.contains("\"separate_context_embeddings\": true") && json.contains("\"format_version\": 4"), json);
    String shared = SpecJson.toJson(Frappe.declare(Presets.finalMlp()).finalMlp(f -> f.separateContextEmbeddings(false))
        .build());
    assertTrue(!shared.contains("separate_context_embeddings") && shared.contains("\"format_version\": 2"), shared);
    SpecException older = assertThrows(SpecException.class,
        () -> SpecJson.fromJson(json.replace("\"format_version\": 4", "\"format_version\": 3")));
    assertEquals(List.of("format_version"), older.violations().stream().map(v -> v.path()).toList());
  }

  @Test
  void absentMgdinFieldsTakeTheHintDefaults() {
    String features = "\"features\": [{\"name\": \"a\", \"kind\": \"CATEGORICAL\"}, "
        + "{\"name\": \"b\", \"kind\": \"CATEGORICAL\"}, {\"name\": \"c\", \"kind\": \"CATEGORICAL\"}, "
        + "{\"name\": \"d\", \"kind\": \"CATEGORICAL\"}, {\"name\": \"e\", \"kind\": \"CATEGORICAL\"}]";
    ModelSpec pair = SpecJson.fromJson("{\"format_version\": 2, \"name\": \"m\", " + features
        + ", \"mgdin\": {\"granularities\": [1, 2], \"schedule\": \"PAIR\"}}");
    assertEquals(MgdinBackbone.hint().granularities(1, 2).schedule(MaskSchedule.PAIR), pair.backbone());
    ModelSpec empty = SpecJson.fromJson("{\"format_version\": 2, \"name\": \"m\", " + features + ", \"mgdin\": {}}");
    assertEquals(MgdinBackbone.hint(), empty.backbone());
  }

  @Test
  void absentInterFormerFieldsTakeThePaperDefaults() {
    String features = "\"features\": [{\"name\": \"a\", \"kind\": \"CATEGORICAL\"}, "
        + "{\"name\": \"h\", \"kind\": \"SEQUENCE\", \"max_length\": 4}]";
    ModelSpec dot = SpecJson.fromJson("{\"format_version\": 2, \"name\": \"m\", " + features
        + ", \"interformer\": {\"sequence\": \"h\", \"interaction\": \"DOT\"}}");
    assertEquals(InterFormerBackbone.paper().sequence("h").interaction(InteractionArch.DOT), dot.backbone());
    SpecException unspecified = assertThrows(SpecException.class, () -> SpecJson.fromJson("{\"format_version\": 2, "
        + "\"name\": \"m\", " + features + ", \"interformer\": {\"gate\": \"GATE_UNSPECIFIED\"}}"));
    assertEquals(List.of("interformer.gate"), unspecified.violations().stream().map(v -> v.path()).toList());
  }

  @Test
  void mgdinNeedsFormatTwoAndNamesItsUnspecifiedEnums() {
    String head = "\"name\": \"m\", \"features\": [{\"name\": \"a\", \"kind\": \"CATEGORICAL\"}], ";
    SpecException old = assertThrows(SpecException.class, () -> SpecJson.fromJson("{\"format_version\": 1, " + head
        + "\"mgdin\": {\"granularities\": [1]}}"));
    assertEquals(List.of("format_version"), old.violations().stream().map(v -> v.path()).toList());
    SpecException unspecified = assertThrows(SpecException.class, () -> SpecJson.fromJson("{\"format_version\": 2, "
        + head + "\"mgdin\": {\"granularities\": [1], \"ordering\": \"ORDERING_UNSPECIFIED\", "
        + "\"schedule\": \"SCHEDULE_UNSPECIFIED\"}}"));
    assertEquals(List.of("mgdin.ordering", "mgdin.schedule"),
        unspecified.violations().stream().map(v -> v.path()).toList());
    assertTrue(unspecified.getMessage().contains("expected one of GROUP, PAIR, NONE"), unspecified.getMessage());
  }

  @Test
  void presentZeroCrossLayersAndUnspecifiedStructureAreNamed() {
    String head = "{\"format_version\": 2, \"name\": \"m\", \"features\": [{\"name\": \"a\", \"kind\": \"CATEGORICAL\"}], ";
    SpecException zero = assertThrows(SpecException.class,
        () -> SpecJson.fromJson(head + "\"dcnv2\": {\"cross_layers\": 0}}"));
    assertEquals(List.of("dcnv2.cross_layers"), zero.violations().stream().map(v -> v.path()).toList());
    SpecException unspecified = assertThrows(SpecException.class,
        () -> SpecJson.fromJson(head + "\"dcnv2\": {\"structure\": \"STRUCTURE_UNSPECIFIED\"}}"));
    assertEquals("dcnv2.structure", unspecified.violations().get(0).path());
    assertTrue(unspecified.getMessage().contains("expected one of PARALLEL, STACKED"), unspecified.getMessage());
  }

  @Test
  void unspecifiedEnumsAndMissingBackboneAreNamed() {
    SpecException e = assertThrows(SpecException.class, () -> SpecJson.fromJson("""
        {"format_version": 1, "name": "m", "features": [{"name": "a"}]}
        """));
    List<String> paths = e.violations().stream().map(v -> v.path()).toList();
    assertEquals(List.of("features[0].kind", "backbone"), paths);
  }
}
