package io.dlf.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.Frappe;
import io.dlf.dsl.Presets;
import io.dlf.dsl.plan.MgdinPlan;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.FieldOrdering;
import io.dlf.dsl.spec.MaskSchedule;
import io.dlf.dsl.spec.MgdinBackbone;
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

/** MGDIN's masks defer what they claim to: the attention weights of the inference tower, per layer. */
class MgdinDeferralTest {
  private static final int BATCH = 8;

  @Test
  void informationOrderingRanksFrappeFieldsByVocabularySize() {
    ModelSpec spec = Frappe.declare(Presets.mgdin()).build();
    FieldLayout layout = FieldLayout.of(ModelPlan.of(spec), Frappe.VOCABULARY_SIZES);
    // item 4084, user 956, city 235, country 82, weather 11, daytime 9, weekday 9, homework 5, isweekend 4, cost 4
    FieldGroups fields = FieldGroups.of(layout, FieldOrdering.INFORMATION, 2);
    assertEquals(List.of(1, 0, 9, 8, 7, 2, 3, 5, 4, 6), fields.order());
    assertEquals(List.of(0, 1, 2, 3, 4), fields.ranking());
    // native order: groups (user, item), (daytime, weekday), (isweekend, homework), (cost, weather), (country, city)
    FieldGroups nativeOrder = FieldGroups.of(layout, FieldOrdering.NATIVE, 2);
    assertEquals(List.of(0, 4, 1, 3, 2), nativeOrder.ranking());
    assertEquals(2, FieldGroups.of(layout, FieldOrdering.NATIVE, 3).padding());
  }

  @Test
  void groupScheduleGivesDeferredGroupsNoAttentionUntilTheirLayer() {
    ModelSpec spec = Frappe.declare(Presets.mgdin()).mgdin(m -> m.granularities(1).width(8).heads(2)).build();
    List<float[]> weights = attentionWeights(spec, 1);
    // ten single-field groups, most informative first: layer 1 of 3 sees 4 keys, layer 2 sees 7, layer 3 all
    int[] visible = {4, 7, 10};
    for (int l = 0; l < 3; l++) {
      float[] w = weights.get(2 * l); // head 0 of layer l; head 1 alike
      for (int row = 0; row < BATCH * 10; row++) {
        for (int key = 0; key < 10; key++) {
          float weight = w[row * 10 + key];
          if (key < visible[l]) {
            assertTrue(weight > 0, "layer " + l + " key " + key);
          } else {
            assertEquals(0f, weight, "layer " + l + " key " + key + " is deferred");
          }
        }
      }
    }
  }

  @Test
  void pairScheduleKeepsTheTopFirstLayerPairsAndTheDiagonal() {
    ModelSpec spec = Frappe.declare(Presets.mgdin())
        .mgdin(m -> m.granularities(2).width(8).schedule(MaskSchedule.PAIR)).build();
    List<float[]> weights = attentionWeights(spec, 2);
    // five groups, 25 pairs: layer 1 of 3 keeps the top 8 (and the diagonal), layer 2 the top 16, layer 3 all
    int[] kept = {8, 16, 25};
    for (int l = 0; l < 3; l++) {
      float[] w = weights.get(l);
      for (int b = 0; b < BATCH; b++) {
        int nonZero = 0;
        for (int i = 0; i < 25; i++) {
          nonZero += w[b * 25 + i] > 0 ? 1 : 0;
        }
        for (int m = 0; m < 5; m++) {
          assertTrue(w[b * 25 + m * 5 + m] > 0, "a group always attends to itself");
        }
        assertTrue(nonZero >= kept[l] && nonZero <= Math.min(25, kept[l] + 5), "layer " + l + ": " + nonZero);
      }
    }
  }

  /** The inference tower's attention weights of branch {@code granularity}, by layer then head, flattened. */
  private static List<float[]> attentionWeights(ModelSpec spec, int granularity) {
    FieldLayout layout = FieldLayout.of(ModelPlan.of(spec), Frappe.VOCABULARY_SIZES);
    int[] sizes = Frappe.FIELDS.stream().mapToInt(Frappe.VOCABULARY_SIZES::get).toArray();
    Random random = new Random(5);
    int[] ids = new int[BATCH * sizes.length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = 1 + random.nextInt(sizes[i % sizes.length] - 1);
    }
    try (TrainingGraph graph = TrainingGraph.build(ModelPlan.of(spec), layout, 3L, OptimizerSettings.defaults());
        Session session = new Session(graph.graph());
        TInt32 x = TInt32.tensorOf(Shape.of(BATCH, sizes.length), DataBuffers.of(ids, true, false))) {
      List<float[]> out = new ArrayList<>();
      for (int l = 0; l < ((MgdinBackbone) spec.backbone()).layers(); l++) {
        String scope = "infer/" + Layers.variableName(MgdinPlan.layerPath(granularity, l)) + "/";
        for (String softmax : GraphOps.softmaxes(graph, scope)) {
          try (Result r = session.runner().feed(graph.inputs().categorical(), x).fetch(softmax).run()) {
            TFloat32 t = (TFloat32) r.get(0);
            float[] values = new float[(int) t.shape().size()];
            t.asRawTensor().data().asFloats().read(values);
            out.add(values);
          }
        }
      }
      return out;
    }
  }
}
