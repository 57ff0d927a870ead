package io.dlf.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.Frappe;
import io.dlf.dsl.Presets;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.training.OptimizerSettings;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

class CompilerTest {

  static java.util.stream.Stream<ModelSpec> tinyVariants() {
    Presets.Size tiny = new Presets.Size(8, 2, 4, 3, 16);
    java.util.List<ModelSpec> specs = new java.util.ArrayList<>();
    for (String preset : Presets.names()) {
      specs.add(Frappe.declare(Presets.named(preset, tiny)).build());
    }
    specs.add(Frappe.declare(Presets.dcnV2()).name("dcnv2-stacked")
        .dcnV2(d -> d.structure(io.dlf.dsl.spec.CrossStructure.STACKED).dnn(io.dlf.dsl.spec.Mlp.of(16, 8))).build());
    specs.add(Frappe.declare(Presets.dcnV2()).name("dcnv2-cross-only").dcnV2(d -> d.dnn(io.dlf.dsl.spec.Mlp.of()))
        .build());
    specs.add(Frappe.declare(Presets.deepFm()).name("deepfm-mlp-head").head(io.dlf.dsl.spec.Head.mlp(
        io.dlf.dsl.spec.Mlp.of(8))).build());
    specs.add(Frappe.declare(Presets.finalMlp()).name("finalmlp-learned-context-one-head")
        .finalMlp(f -> f.heads(1).stream1(f.stream1().fsContext(java.util.List.of()).mlp(io.dlf.dsl.spec.Mlp.of(16, 8)))
            .stream2(f.stream2().fsContext(java.util.List.of("city", "user", "weather")).mlp(io.dlf.dsl.spec.Mlp.of(4)))
            .featureSelection(io.dlf.dsl.spec.Mlp.of()))
        .build());
    specs.add(Frappe.declare(Presets.finalMlp()).name("finalmlp-shared-contexts")
        .finalMlp(f -> f.separateContextEmbeddings(false)).build());
    specs.add(Frappe.declare(Presets.mgdin()).name("mgdin-pair-native-heads")
        .mgdin(m -> m.schedule(io.dlf.dsl.spec.MaskSchedule.PAIR).ordering(io.dlf.dsl.spec.FieldOrdering.NATIVE)
            .granularities(3, 1, 10).heads(4).width(16).ffnMultiplier(2)).build());
    specs.add(Frappe.declare(Presets.mgdin()).name("mgdin-no-deferral")
        .mgdin(m -> m.schedule(io.dlf.dsl.spec.MaskSchedule.NONE).layers(1).width(8)).build());
    specs.add(Frappe.withHistory(Presets.interFormer(), 6).name("interformer-history").build());
    specs.add(Frappe.withHistory(Presets.interFormer(), 3).name("interformer-dot-printed-no-pma")
        .interFormer(i -> i.interaction(io.dlf.dsl.spec.InteractionArch.DOT).gate(io.dlf.dsl.spec.SummaryGate.PRINTED)
            .pmaTokens(0).recentTokens(3).layers(1).heads(4).summaryTokens(2)).build());
    specs.add(Frappe.declare(Presets.dlfPaper(tiny)).name("naf-one-head-one-sublayer")
        .dlf(d -> d.eachLayer(l -> l.fusion(l.fusion().heads(1).sublayers(1)))).build());
    specs.add(Frappe.declare(Presets.dlfPaper(tiny)).name("naf-unequal-blocks")
        .dlf(d -> d.eachLayer(l -> l.implicit(l.implicit().tokens(2)).lowRank(l.lowRank().tokens(3)))).build());
    specs.add(Frappe.declare(Presets.dlfPaper(tiny)).name("sigmoid-gate-no-keep")
        .dlf(d -> d.eachLayer(l -> l.residual(l.residual().sigmoidGate(true)).fusion(l.fusion().keepBlockOutputs(false))))
        .build());
    return specs.stream();
  }

  /** The compiled graph has exactly the variables the summary plans, for every preset (every fusion among them). */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("tinyVariants")
  void compiledParametersMatchTheSummary(ModelSpec spec) {
    ModelPlan plan = ModelPlan.of(spec);
    io.dlf.dsl.plan.ModelSummary summary = ModelPlan.of(spec).summary(Frappe.VOCABULARY_SIZES);
    try (TrainingGraph graph = TrainingGraph.build(plan, FieldLayout.of(plan, Frappe.VOCABULARY_SIZES), 1L,
        OptimizerSettings.defaults())) {
      assertEquals(summary.nonEmbeddingParameters(), count(graph, Parameters.Kind.NET), spec.name());
      assertEquals(summary.embeddingParameters().orElseThrow(), count(graph, Parameters.Kind.EMBEDDING), spec.name());
    }
  }

  private static long count(TrainingGraph graph, Parameters.Kind kind) {
    return graph.parameters().ofKind(kind).stream().mapToLong(Parameters.Parameter::size).sum();
  }

  @Test
  void referencePresetCompilesWithThePlannedParameterCount() {
    ModelSpec spec = Frappe.declare(Presets.dlfReference()).build();
    ModelPlan plan = ModelPlan.of(spec);
    try (TrainingGraph graph = TrainingGraph.build(plan, FieldLayout.of(plan, Frappe.VOCABULARY_SIZES), 1L,
        OptimizerSettings.defaults())) {
      assertEquals(14_463_905L, count(graph, Parameters.Kind.NET));
      assertEquals(345_536L, count(graph, Parameters.Kind.EMBEDDING));
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {4, 2})
  void smallPaperModelTrainsOnRandomData(int implicitTokens) {
    // 2 implicit tokens against 4 per FM block exercises NAF's padding and key mask
    ModelSpec spec = Frappe.declare(Presets.dlfPaper(new Presets.Size(8, 2, 4, 3, 16)))
        .dlf(d -> d.eachLayer(l -> l.implicit(l.implicit().tokens(implicitTokens))))
        .build();
    ModelPlan plan = ModelPlan.of(spec);
    try (TrainingGraph graph = TrainingGraph.build(plan, FieldLayout.of(plan, Frappe.VOCABULARY_SIZES), 7L,
        OptimizerSettings.defaults());
        Session session = new Session(graph.graph())) {
      Random random = new Random(3);
      int batch = 64;
      int[] ids = new int[batch * 10];
      float[] labels = new float[batch];
      for (int i = 0; i < batch; i++) {
        for (int f = 0; f < 10; f++) {
          ids[i * 10 + f] = 1 + random.nextInt(3);
        }
        labels[i] = ids[i * 10] == 1 ? 1f : 0f;
      }
      float first = Float.NaN;
      float last = Float.NaN;
      try (TInt32 x = TInt32.tensorOf(Shape.of(batch, 10), DataBuffers.of(ids, true, false));
          TFloat32 y = TFloat32.tensorOf(Shape.of(batch), DataBuffers.of(labels, true, false));
          TFloat32 lr = TFloat32.scalarOf(0.01f)) {
        for (int step = 0; step < 30; step++) {
          try (Result r = session.runner().feed(graph.inputs().categorical(), x).feed(graph.labels(), y)
              .feed(graph.learningRate(), lr).addTarget(graph.trainStep()).fetch(graph.logLoss()).run()) {
            float loss = ((TFloat32) r.get(0)).getFloat();
            if (step == 0) {
              first = loss;
            }
            last = loss;
          }
        }
      }
      assertTrue(last < first * 0.5f, "loss " + first + " -> " + last);
    }
  }
}
