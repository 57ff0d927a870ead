package io.dlf.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.Frappe;
import io.dlf.dsl.Presets;
import io.dlf.dsl.plan.InterFormerPlan;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.training.OptimizerSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** InterFormer's sequence attentions (self-attention and PMA) give padded history positions no weight. */
class InterFormerMaskTest {
  private static final int LENGTH = 6;
  private static final int CLS = 4;
  private static final int[] LENGTHS = {0, 1, 3, 6};

  @Test
  void paddedPositionsGetZeroAttentionWeight() {
    ModelSpec spec = Frappe.withHistory(Presets.interFormer(), LENGTH).build();
    FieldLayout layout = FieldLayout.of(ModelPlan.of(spec), Frappe.VOCABULARY_SIZES);
    int batch = LENGTHS.length;
    int[] sizes = Frappe.FIELDS.stream().mapToInt(Frappe.VOCABULARY_SIZES::get).toArray();
    Random random = new Random(11);
    int[] ids = new int[batch * sizes.length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = 1 + random.nextInt(sizes[i % sizes.length] - 1);
    }
    int[] history = new int[batch * LENGTH];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < LENGTHS[b]; t++) {
        history[b * LENGTH + t] = 1 + random.nextInt(sizes[1] - 1);
      }
    }
    try (TrainingGraph graph = TrainingGraph.build(ModelPlan.of(spec), layout, 3L, OptimizerSettings.defaults());
        Session session = new Session(graph.graph());
        TInt32 x = TInt32.tensorOf(Shape.of(batch, sizes.length), DataBuffers.of(ids, true, false));
        TInt32 h = TInt32.tensorOf(Shape.of(batch, LENGTH), DataBuffers.of(history, true, false))) {
      List<String> softmaxes = new ArrayList<>();
      for (int l = 0; l < 2; l++) {
        String layer = "infer/" + Layers.variableName(InterFormerPlan.layerPath(l));
        softmaxes.addAll(GraphOps.softmaxes(graph, layer + ".sequence/"));
        softmaxes.addAll(GraphOps.softmaxes(graph, layer + ".cross/"));
      }
      softmaxes.addAll(GraphOps.softmaxes(graph, "infer/" + Layers.variableName(InterFormerPlan.SUMMARY) + "/"));
      // two heads each: self-attention of two layers, PMA of two layers and of the final summary
      assertEquals(10, softmaxes.size(), softmaxes.toString());
      for (String softmax : softmaxes) {
        try (Result r = session.runner().feed(graph.inputs().categorical(), x)
            .feed(graph.inputs().sequences().get(Frappe.HISTORY), h).fetch(softmax).run()) {
          TFloat32 t = (TFloat32) r.get(0);
          int queries = (int) t.shape().get(1);
          int keys = (int) t.shape().get(2);
          assertEquals(CLS + LENGTH, keys);
          for (int b = 0; b < batch; b++) {
            for (int q = 0; q < queries; q++) {
              float visible = 0;
              for (int k = 0; k < keys; k++) {
                float w = t.getFloat(b, q, k);
                if (k < CLS + LENGTHS[b]) {
                  visible += w;
                } else {
                  assertEquals(0f, w, softmax + ": sample " + b + " query " + q + " padded key " + k);
                }
              }
              assertTrue(Math.abs(visible - 1) < 1e-5, softmax + ": " + visible);
            }
          }
        }
      }
    }
  }
}
