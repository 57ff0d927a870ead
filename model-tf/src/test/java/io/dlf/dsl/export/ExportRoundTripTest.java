package io.dlf.dsl.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.Presets;
import io.dlf.dsl.compile.BatchTensors;
import io.dlf.dsl.compile.FieldLayout;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.compile.TrainingGraph;
import io.dlf.dsl.encode.EncodedBatch;
import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.encode.Vocabularies;
import io.dlf.dsl.encode.Vocabulary;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.FieldOrdering;
import io.dlf.dsl.spec.InteractionArch;
import io.dlf.dsl.spec.MaskSchedule;
import io.dlf.dsl.spec.Mlp;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.spec.NumericTransform;
import io.dlf.dsl.training.OptimizerSettings;
import io.dlf.proto.model.v1.TrainingMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.types.TFloat32;

/** Export a checkpoint, load the version in a fresh session: the same predictions, from raw values too. */
class ExportRoundTripTest {
  static final ConfigProto CONFIG = SessionConfigs.threads(1, 1);

  static final ModelSpec SPEC = Presets.dlfPaper(new Presets.Size(8, 2, 4, 3, 16)).name("export-test")
      .categorical("user", "item")
      .feature(Feature.numeric("price").transform(NumericTransform.LOG1P).fillValue(2f))
      .feature(Feature.sequence("history", 3).vocabularyFrom("item"))
      .dropout(0.2f)
      .build();

  static final Vocabularies VOCABULARIES = new Vocabularies(Map.of(
      "user", new Vocabulary("user", 1, List.of("u1", "u2", "u3")),
      "item", new Vocabulary("item", 1, List.of("i1", "i2", "i3", "i4"))));

  // raw values, including an unseen user (u9 -> OOV), a missing price (NaN) and padded histories
  static final RawBatch RAW = new RawBatch(4,
      Map.of("user", new String[] {"u1", "u2", "u9", "u3"}, "item", new String[] {"i4", "i1", "i2", "i9"}),
      Map.of("price", new float[] {0.5f, Float.NaN, 120f, 3f}),
      Map.of("history", new String[][] {{}, {"i1"}, {"i1", "i2", "i3", "i4"}, {"i9", "i2"}}));

  static EncodedBatch encode(RawBatch raw) {
    Vocabulary user = VOCABULARIES.get("user");
    Vocabulary item = VOCABULARIES.get("item");
    int[] categorical = new int[raw.size() * 2];
    int[] history = new int[raw.size() * 3];
    for (int i = 0; i < raw.size(); i++) {
      categorical[2 * i] = user.id(raw.strings().get("user")[i]);
      categorical[2 * i + 1] = item.id(raw.strings().get("item")[i]);
      String[] tokens = raw.sequences().get("history")[i];
      int from = Math.max(0, tokens.length - 3);
      for (int t = from; t < tokens.length; t++) {
        history[3 * i + t - from] = item.id(tokens[t]);
      }
    }
    return new EncodedBatch(raw.size(), categorical, raw.numbers().get("price"), Map.of("history", history));
  }

  private static String initialCheckpoint(Path dir) throws Exception {
    String checkpoint = dir.resolve("ckpt/model").toString();
    try (TrainingGraph graph = TrainingGraph.build(ModelPlan.of(SPEC), FieldLayout.of(ModelPlan.of(SPEC), VOCABULARIES.sizes()), 5L,
            OptimizerSettings.defaults());
        Session session = new Session(graph.graph(), CONFIG)) {
      session.initialize();
      Files.createDirectories(dir.resolve("ckpt"));
      session.save(checkpoint);
    }
    return checkpoint;
  }

  /**
   * DLF, Wukong (DLF's layers without the low-rank block), the baselines whose FM terms bypass the head (FM's head reads nothing at all), and MGDIN with
   * a padded group, a numeric field ranked last and the pair schedule's TopK in the serving graph;
   * InterFormer reading the history as tokens (empty, short, truncated), with either interaction;
   * FinalMLP gating one stream by the pooled history and the price, the other by a learned context, and
   * FinalMLP gating its streams by user and item looked up in tables of their own.
   */
  static Stream<ModelSpec> exportedSpecs() {
    return Stream.of(SPEC,
        Presets.fm().name("export-fm").features(SPEC.features()).build(),
        Presets.wukong(new Presets.Size(8, 1, 4, 2, 8)).name("export-wukong").features(SPEC.features()).build(),
        Presets.deepFm().name("export-deepfm").features(SPEC.features()).deepFm(d -> d.dnn(Mlp.of(8))).build(),
        Presets.dcnV2().name("export-dcnv2").features(SPEC.features()).dcnV2(d -> d.dnn(Mlp.of(8))).build(),
        Presets.finalMlp().name("export-finalmlp").features(SPEC.features())
            .finalMlp(f -> f.heads(2).featureSelection(Mlp.of(8).batchNorm(false)).separateContextEmbeddings(false)
                .stream1(f.stream1().fsContext(List.of("history", "price")).mlp(Mlp.of(8)))
                .stream2(f.stream2().fsContext(List.of()).mlp(Mlp.of(4)))).build(),
        Presets.finalMlp().name("export-finalmlp-own-contexts").features(SPEC.features())
            .finalMlp(f -> f.heads(2).featureSelection(Mlp.of(8).batchNorm(false))
                .stream1(f.stream1().mlp(Mlp.of(8))).stream2(f.stream2().mlp(Mlp.of(4)))).build(),
        Presets.mgdin().name("export-mgdin").features(SPEC.features()).mgdin(m -> m.granularities(1, 3).width(8).heads(2))
            .build(),
        Presets.mgdin().name("export-mgdin-pair").features(SPEC.features())
            .mgdin(m -> m.granularities(2).width(8).schedule(MaskSchedule.PAIR).ordering(FieldOrdering.NATIVE)).build(),
        Presets.interFormer().name("export-interformer").features(SPEC.features()).embeddingDim(8)
            .interFormer(i -> i.sequence("history").recentTokens(3)).build(),
        Presets.interFormer().name("export-interformer-dot").features(SPEC.features()).embeddingDim(8)
            .interFormer(i -> i.sequence("history").interaction(InteractionArch.DOT).layers(1)).build());
  }

  /**
   * Trains {@code spec} a few steps on {@link #RAW}, so that batch-norm statistics and weights move
   * away from their initial values, saves it at {@code checkpoint} and returns its predictions for RAW.
   */
  static float[] trainAFewSteps(ModelSpec spec, String checkpoint) throws Exception {
    FieldLayout layout = FieldLayout.of(ModelPlan.of(spec), VOCABULARIES.sizes());
    EncodedBatch encoded = encode(RAW);
    float[] predictions = new float[RAW.size()];
    try (TrainingGraph graph = TrainingGraph.build(ModelPlan.of(spec), layout, 5L, OptimizerSettings.defaults());
        Session session = new Session(graph.graph(), CONFIG)) {
      session.initialize();
      for (int step = 0; step < 3; step++) {
        try (BatchTensors inputs = new BatchTensors(layout, encoded);
            TFloat32 labels = TFloat32.vectorOf(1f, 0f, 1f, 0f);
            TFloat32 lr = TFloat32.scalarOf(0.05f);
            Result r = inputs.feedByName(session.runner()).feed(graph.labels(), labels).feed(graph.learningRate(), lr)
                .addTarget(graph.trainStep()).fetch(graph.loss()).run()) {
          assertTrue(Float.isFinite(((TFloat32) r.get(0)).getFloat()));
        }
      }
      try (BatchTensors inputs = new BatchTensors(layout, encoded);
          Result r = inputs.feedByName(session.runner()).fetch(graph.probability()).run()) {
        ((TFloat32) r.get(0)).asRawTensor().data().asFloats().read(predictions);
      }
      Files.createDirectories(Path.of(checkpoint).getParent());
      session.save(checkpoint);
    }
    return predictions;
  }

  @ParameterizedTest
  @MethodSource("exportedSpecs")
  void exportedVersionPredictsLikeTheTrainingGraph(ModelSpec spec, @TempDir Path dir) throws Exception {
    EncodedBatch encoded = encode(RAW);
    String checkpoint = dir.resolve("ckpt/model").toString();
    float[] expected = trainAFewSteps(spec, checkpoint);

    ModelRepository repository = new ModelRepository(dir.resolve("models"));
    ModelExporter exporter = new ModelExporter(repository, CONFIG);
    long version = exporter.export(new ModelExporter.Request("ctr", spec, VOCABULARIES, checkpoint,
        TrainingMetrics.getDefaultInstance(), "job-1", 5L));
    assertEquals(1, version);
    assertEquals(List.of(1L), repository.versions("ctr"));

    try (ExportedModel model = ExportedModel.load(repository.versionDir("ctr", 1), CONFIG)) {
      assertEquals(spec, model.spec());
      assertArrayEquals(expected, model.predictEncoded(encoded), 1e-6f);
      assertArrayEquals(expected, model.predict(RAW), 1e-6f);
    }
    // serving's form: weights as constants, the graph cut to what the probability needs
    try (ExportedModel frozen = ExportedModel.loadFrozen(repository.versionDir("ctr", 1), CONFIG)) {
      assertArrayEquals(expected, frozen.predictEncoded(encoded), 1e-6f);
      assertArrayEquals(expected, frozen.predict(RAW), 1e-6f);
      // a traced call runs the same ops and reports each: from the raw values' lookups to the probability
      List<String> traced = frozen.traced(RAW).getStepStats().getDevStatsList().stream()
          .flatMap(device -> device.getNodeStatsList().stream()).map(NodeExecStats::getTimelineLabel).toList();
      assertTrue(traced.stream().anyMatch(label -> label.contains("= StringToHashBucketFast(")), traced.toString());
      assertTrue(traced.stream().anyMatch(label -> label.startsWith("probability = ")), traced.toString());
    }
  }

  @Test
  void exportKeyMakesExportIdempotentAndVersionsCount(@TempDir Path dir) throws Exception {
    String checkpoint = initialCheckpoint(dir);
    ModelRepository repository = new ModelRepository(dir.resolve("models"));
    ModelExporter exporter = new ModelExporter(repository, CONFIG);
    ModelExporter.Request first = new ModelExporter.Request("ctr", SPEC, VOCABULARIES, checkpoint,
        TrainingMetrics.getDefaultInstance(), "job-1", 5L);
    assertEquals(1, exporter.export(first));
    assertEquals(1, exporter.export(first), "the same export key exports once");
    assertEquals(2, exporter.export(new ModelExporter.Request("ctr", SPEC, VOCABULARIES, checkpoint,
        TrainingMetrics.getDefaultInstance(), "job-2", 5L)));
    assertEquals(List.of(1L, 2L), repository.versions("ctr"));
    try (var files = Files.list(repository.modelDir("ctr"))) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(ModelRepository.STAGING_PREFIX)));
    }
  }

  @Test
  void rawBatchWithWrongFeaturesIsRejected(@TempDir Path dir) throws Exception {
    String checkpoint = initialCheckpoint(dir);
    ModelRepository repository = new ModelRepository(dir.resolve("models"));
    new ModelExporter(repository, CONFIG).export(new ModelExporter.Request("ctr", SPEC, VOCABULARIES, checkpoint,
        TrainingMetrics.getDefaultInstance(), "", 5L));
    try (ExportedModel model = ExportedModel.load(repository.versionDir("ctr", 1), CONFIG)) {
      RawBatch missing = new RawBatch(1, Map.of("user", new String[] {"u1"}, "colour", new String[] {"red"}),
          Map.of(), Map.of());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.predict(missing));
      assertTrue(e.getMessage().contains("missing [history, item, price]"), e.getMessage());
      assertTrue(e.getMessage().contains("[colour]"), e.getMessage());
    }
  }
}
