package io.dlf.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.Frappe;
import io.dlf.dsl.Presets;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.ModelSpec;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

class CompilerTest {

  @Test
  void referencePresetCompilesWithThePlannedParameterCount() {
    ModelSpec spec = Frappe.declare(Presets.dlfReference()).build();
    ModelPlan plan = spec.plan();
    try (TrainingGraph graph = TrainingGraph.build(plan, FieldLayout.of(plan, Frappe.VOCABULARY_SIZES), 1L,
        OptimizerSettings.defaults())) {
      long net = graph.parameters().ofKind(Parameters.Kind.NET).stream().mapToLong(Parameters.Parameter::size).sum();
      long embedding = graph.parameters().ofKind(Parameters.Kind.EMBEDDING).stream().mapToLong(Parameters.Parameter::size).sum();
      assertEquals(14_463_905L, net);
      assertEquals(345_536L, embedding);
    }
  }

  @Test
  void smallPaperModelTrainsOnRandomData() {
    ModelSpec spec = Frappe.declare(Presets.dlfPaper()).embeddingDim(8)
        .dlf(d -> d.eachLayer(l -> l.fusion(l.fusion().attentionDim(8))))
        .build();
    ModelPlan plan = spec.plan();
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
