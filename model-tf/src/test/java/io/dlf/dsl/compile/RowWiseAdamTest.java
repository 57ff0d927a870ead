package io.dlf.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.encode.EncodedBatch;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.DeepFmBackbone;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.Mlp;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.spec.Regularization;
import io.dlf.dsl.training.EmbeddingUpdates;
import io.dlf.dsl.training.OptimizerSettings;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;

/**
 * Row-wise Adam gives the rows a batch looks up, and every dense weight, what dense Adam gives them
 * from the same state, with the gradient clipped or not; rows the batch does not look up keep their
 * values and moments, where dense Adam moves them with their moments and their L2 gradient.
 */
class RowWiseAdamTest {
  private static final float TOLERANCE = 1e-6f;
  /** DeepFM: an embedding table and a first-order table, a sequence sharing a's rows, duplicate ids. */
  private static final ModelSpec SPEC = ModelSpec.builder("row-wise").categorical("a", "b")
      .feature(Feature.sequence("h", 3).vocabularyFrom("a")).embeddingDim(4)
      .backbone(DeepFmBackbone.of(Mlp.of(8).batchNorm(false))).build();
  private static final Map<String, Integer> SIZES = Map.of("a", 40, "b", 30);

  @Test
  void clippedStepsMatchDenseAdamOnTouchedRowsAndLeaveTheOthersAlone(@TempDir Path dir) {
    OptimizerSettings settings = OptimizerSettings.defaults().clipNorm(0.01f);
    try (Pair pair = new Pair(SPEC, settings, dir)) {
      EncodedBatch first = batch(1);
      EncodedBatch second = batch(2);
      float[] norms = pair.step(first);
      assertTrue(norms[0] > 0.01f, "the gradient norm " + norms[0] + " must exceed the clip norm for clipping to act");
      assertEquals(norms[0], norms[1], norms[0] * 1e-5f, "one global norm over dense and row-wise gradients");
      // with zero moments before the step, dense Adam leaves untouched rows alone too: every value agrees
      pair.assertSameWhere(row -> true);
      Map<String, float[]> afterFirst = pair.rowWise();
      pair.step(second);
      Set<Integer> touched = pair.layout().touchedRows(second);
      pair.assertSameWhere(touched::contains);
      Set<Integer> movedByMomentsOnly = pair.layout().touchedRows(first);
      movedByMomentsOnly.removeAll(touched);
      assertFalse(movedByMomentsOnly.isEmpty());
      pair.assertRowWiseKept(afterFirst, movedByMomentsOnly);
      pair.assertDenseMoved(afterFirst, movedByMomentsOnly);
    }
  }

  @Test
  void withEmbeddingL2OnlyTouchedRowsAreRegularized(@TempDir Path dir) {
    ModelSpec spec = SPEC.toBuilder().regularization(new Regularization(0.1f, 0.01f)).build();
    try (Pair pair = new Pair(spec, OptimizerSettings.defaults().clipNorm(0f), dir)) {
      Map<String, float[]> before = pair.rowWise();
      EncodedBatch batch = batch(3);
      pair.step(batch);
      Set<Integer> touched = pair.layout().touchedRows(batch);
      pair.assertSameWhere(touched::contains);
      Set<Integer> untouched = new HashSet<>();
      for (int row = 0; row < pair.layout().layout.tableRows(); row++) {
        untouched.add(row);
      }
      untouched.removeAll(touched);
      // rows 0 of each table are padding: zero, and L2 keeps zero at zero
      untouched.removeAll(pair.layout().layout.tableOffsets().values());
      pair.assertRowWiseKept(before, untouched);
      pair.assertDenseMoved(before, untouched);
    }
  }

  /** 16 rows: a in 1..8 (9..16 for an odd seed), b in 1..5, histories of 0 to 3 tokens of a in 1..8, with repeats. */
  private static EncodedBatch batch(long seed) {
    Random random = new Random(seed);
    int rows = 16;
    int[] categorical = new int[rows * 2];
    int[] history = new int[rows * 3];
    for (int r = 0; r < rows; r++) {
      categorical[r * 2] = 1 + random.nextInt(8) + (int) (seed % 2) * 8;
      categorical[r * 2 + 1] = 1 + random.nextInt(5);
      int length = random.nextInt(4);
      for (int t = 0; t < length; t++) {
        history[r * 3 + t] = 1 + random.nextInt(8);
      }
    }
    return new EncodedBatch(rows, categorical, new float[0], Map.of("h", history));
  }

  /** Table rows by layout, for both the embedding and the first-order table (the same layout). */
  private record Layout(FieldLayout layout) {
    Set<Integer> touchedRows(EncodedBatch batch) {
      Set<Integer> rows = new HashSet<>();
      int a = layout.offsetOf(SPEC.feature("a"));
      int b = layout.offsetOf(SPEC.feature("b"));
      for (int r = 0; r < batch.size(); r++) {
        rows.add(a + batch.categorical()[r * 2]);
        rows.add(b + batch.categorical()[r * 2 + 1]);
      }
      for (int id : batch.sequences().get("h")) {
        rows.add(a + id);
      }
      return rows;
    }
  }

  /** A dense-Adam and a row-wise-Adam graph of one spec, starting from one checkpoint. */
  private static final class Pair implements AutoCloseable {
    private final Layout layout;
    private final TrainingGraph dense;
    private final TrainingGraph rowWise;
    private final Session denseSession;
    private final Session rowWiseSession;
    private final List<String> variables;
    private final Set<String> tables = new HashSet<>();

    Pair(ModelSpec spec, OptimizerSettings settings, Path dir) {
      ModelPlan plan = ModelPlan.of(spec);
      layout = new Layout(FieldLayout.of(plan, SIZES));
      dense = TrainingGraph.build(plan, layout.layout, 3L, settings.embeddingUpdates(EmbeddingUpdates.DENSE));
      rowWise = TrainingGraph.build(plan, layout.layout, 3L, settings.embeddingUpdates(EmbeddingUpdates.ROW_WISE));
      denseSession = new Session(dense.graph());
      rowWiseSession = new Session(rowWise.graph());
      denseSession.initialize();
      String checkpoint = dir.resolve("start").toString();
      denseSession.save(checkpoint);
      rowWiseSession.restore(checkpoint);
      List<Parameters.Parameter> trainable = rowWise.parameters().trainable();
      assertEquals(2, rowWise.parameters().ofKind(Parameters.Kind.EMBEDDING).size());
      variables = trainable.stream().flatMap(p -> {
        // Adam's slots, as checkpoints name them under either way of updating
        List<String> names = List.of(p.name(), "optimizer/" + p.name() + ".adam_m", "optimizer/" + p.name() + ".adam_v");
        if (p.kind() == Parameters.Kind.EMBEDDING) {
          tables.addAll(names);
        }
        return names.stream();
      }).toList();
    }

    Layout layout() {
      return layout;
    }

    /** One step of each on {@code batch}; the gradient norms (dense, row-wise) the clip saw, or 0 without clipping. */
    float[] step(EncodedBatch batch) {
      float[] labels = new float[batch.size()];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = i % 3 == 0 ? 1f : 0f;
      }
      return new float[] {step(dense, denseSession, batch, labels), step(rowWise, rowWiseSession, batch, labels)};
    }

    private float step(TrainingGraph graph, Session session, EncodedBatch batch, float[] labels) {
      try (BatchTensors inputs = new BatchTensors(layout.layout, batch);
          TFloat32 y = TFloat32.vectorOf(labels);
          TFloat32 lr = TFloat32.scalarOf(0.01f)) {
        Session.Runner runner = inputs.feedByName(session.runner()).feed(graph.labels(), y)
            .feed(graph.learningRate(), lr).addTarget(graph.trainStep());
        boolean clipped = graph.graph().operation("gradient_norm") != null;
        if (clipped) {
          runner.fetch("gradient_norm");
        }
        try (Result r = runner.run()) {
          return clipped ? ((TFloat32) r.get(0)).getFloat() : 0f;
        }
      }
    }

    Map<String, float[]> rowWise() {
      return values(rowWiseSession);
    }

    private Map<String, float[]> values(Session session) {
      Session.Runner runner = session.runner();
      variables.forEach(runner::fetch);
      Map<String, float[]> out = new HashMap<>();
      try (Result r = runner.run()) {
        for (int i = 0; i < variables.size(); i++) {
          TFloat32 t = (TFloat32) r.get(i);
          float[] values = new float[(int) t.shape().size()];
          t.asRawTensor().data().asFloats().read(values);
          out.put(variables.get(i), values);
        }
      }
      return out;
    }

    /** Dense weights everywhere, table rows (values and moments) where {@code rows} holds. */
    void assertSameWhere(IntPredicate rows) {
      Map<String, float[]> d = values(denseSession);
      Map<String, float[]> w = values(rowWiseSession);
      for (String name : variables) {
        float[] expected = d.get(name);
        float[] actual = w.get(name);
        int width = tables.contains(name) ? expected.length / layout.layout.tableRows() : expected.length;
        for (int i = 0; i < expected.length; i++) {
          if (!tables.contains(name) || rows.test(i / width)) {
            assertEquals(expected[i], actual[i], TOLERANCE, name + "[" + i + "]");
          }
        }
      }
    }

    /** Row-wise Adam left the values and moments of {@code rows} as {@code before} had them. */
    void assertRowWiseKept(Map<String, float[]> before, Set<Integer> rows) {
      Map<String, float[]> now = values(rowWiseSession);
      for (String name : tables) {
        float[] was = before.get(name);
        int width = was.length / layout.layout.tableRows();
        for (int row : rows) {
          float[] expected = Arrays.copyOfRange(was, row * width, (row + 1) * width);
          assertArrayEquals(expected, Arrays.copyOfRange(now.get(name), row * width, (row + 1) * width),
              name + " row " + row);
        }
      }
    }

    /** Dense Adam moved every one of {@code rows} away from {@code before}'s values (the same start). */
    void assertDenseMoved(Map<String, float[]> before, Set<Integer> rows) {
      Map<String, float[]> now = values(denseSession);
      for (String name : tables) {
        if (name.endsWith(".adam_m") || name.endsWith(".adam_v")) {
          continue;
        }
        float[] was = before.get(name);
        int width = was.length / layout.layout.tableRows();
        for (int row : rows) {
          boolean moved = false;
          for (int i = row * width; i < (row + 1) * width; i++) {
            moved |= Math.abs(now.get(name)[i] - was[i]) > TOLERANCE;
          }
          assertTrue(moved, name + " row " + row + " did not move under dense Adam");
        }
      }
    }

    @Override
    public void close() {
      denseSession.close();
      rowWiseSession.close();
      dense.close();
      rowWise.close();
    }
  }
}
