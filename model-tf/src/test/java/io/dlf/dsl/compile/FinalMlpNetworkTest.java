package io.dlf.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.Frappe;
import io.dlf.dsl.Presets;
import io.dlf.dsl.plan.FinalMlpPlan;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.training.OptimizerSettings;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/** FinalMLP built as FuxiCTR builds it (issue 21): the gates' own context tables and the fusion's initial scale. */
class FinalMlpNetworkTest {

  @Test
  void presetGatesLookTheirContextsUpInTablesOfTheirOwn() {
    Map<String, Shape> tables = embeddingTables(Frappe.declare(Presets.finalMlp()).build());
    assertEquals(Shape.of(Frappe.VOCABULARY_SIZES.get("user"), 10), tables.get(FinalMlpPlan.contextTablePath(0)));
    assertEquals(Shape.of(Frappe.VOCABULARY_SIZES.get("item"), 10), tables.get(FinalMlpPlan.contextTablePath(1)));
    assertEquals(3, tables.size(), tables.toString());
  }

  @Test
  void sharedContextsReadTheFieldEmbeddings() {
    Map<String, Shape> tables = embeddingTables(Frappe.declare(Presets.finalMlp())
        .finalMlp(f -> f.separateContextEmbeddings(false)).build());
    assertEquals(1, tables.size(), tables.toString());
  }

  /**
   * FuxiCTR draws W3 as one column of heads x (400 / 5) x (100 / 5) = 8,000 weights, std
   * sqrt(2 / 8,001) = 0.0158; Xavier per head's 80 x 20 matrix would give 0.141.
   */
  @Test
  void bilinearWeightsStartAtFuxiCtrScaleAndContextPaddingAtZero() {
    ModelSpec spec = Frappe.declare(Presets.finalMlp()).build();
    ModelPlan plan = ModelPlan.of(spec);
    try (TrainingGraph graph = TrainingGraph.build(plan, FieldLayout.of(plan, Frappe.VOCABULARY_SIZES), 5L,
        OptimizerSettings.defaults());
        Session session = new Session(graph.graph())) {
      session.initialize();
      float[] w3 = values(session, graph, "finalmlp.fusion.w3");
      assertEquals(8_000, w3.length);
      double squares = 0;
      for (float w : w3) {
        squares += (double) w * w;
      }
      double std = Math.sqrt(squares / w3.length);
      assertEquals(Math.sqrt(2.0 / 8_001), std, 0.1 * Math.sqrt(2.0 / 8_001), "std of w3");
      float[] context = values(session, graph, FinalMlpPlan.contextTablePath(1));
      for (int d = 0; d < 10; d++) {
        assertEquals(0f, context[d], "padding row of the item context table, column " + d);
      }
      assertTrue(Math.abs(context[10]) > 0f, "the rows after the padding row start random");
    }
  }

  private static Map<String, Shape> embeddingTables(ModelSpec spec) {
    ModelPlan plan = ModelPlan.of(spec);
    try (TrainingGraph graph = TrainingGraph.build(plan, FieldLayout.of(plan, Frappe.VOCABULARY_SIZES), 1L,
        OptimizerSettings.defaults())) {
      return graph.parameters().ofKind(Parameters.Kind.EMBEDDING).stream()
          .collect(Collectors.toMap(Parameters.Parameter::name, Parameters.Parameter::shape));
    }
  }

  private static float[] values(Session session, TrainingGraph graph, String name) {
    Parameters.Parameter parameter = graph.parameters().trainable().stream().filter(p -> p.name().equals(name))
        .findFirst().orElseThrow(() -> new AssertionError("no variable " + name));
    try (Result result = session.runner().fetch(parameter.variable()).run()) {
      float[] values = new float[(int) parameter.shape().size()];
      ((TFloat32) result.get(0)).asRawTensor().data().asFloats().read(values);
      return values;
    }
  }
}
