package io.dlf.dsl.export;

import static io.dlf.dsl.export.ExportRoundTripTest.CONFIG;
import static io.dlf.dsl.export.ExportRoundTripTest.RAW;
import static io.dlf.dsl.export.ExportRoundTripTest.SPEC;
import static io.dlf.dsl.export.ExportRoundTripTest.VOCABULARIES;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dlf.dsl.Presets;
import io.dlf.dsl.encode.EncodedBatch;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.dsl.repository.VersionFiles;
import io.dlf.dsl.spec.Mlp;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.testing.ExportedVersions;
import io.dlf.dsl.testing.RandomExamples;
import io.dlf.proto.model.v1.EvaluationMetrics;
import io.dlf.proto.model.v1.ServingPrecision;
import io.dlf.proto.model.v1.TrainingMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;

/**
 * A bfloat16 and an int8 version against their float32 twin exported from the same checkpoint, for
 * every model family: predictions within the precision's tolerance, weights stored at the precision,
 * and the precision recorded in the manifest and metrics.json with the served figures beside the
 * trained ones.
 */
class ServingPrecisionExportTest {
  /**
   * Largest |bf16 - f32| probability allowed. bfloat16 keeps 8 significant bits (relative rounding
   * 2^-9, about 0.002) per weight and per product output. Measured on these rows: 0.0040 for
   * InterFormer (dot interaction), 0.0030 for DLF, 0.0016 for FinalMLP, under 0.001 for the rest, 0
   * for FM (no products by weights); on Frappe's 28,860 test rows the reference preset trained one
   * epoch differed by at most 0.0054 (bench/serving-precision.sh). The limit leaves 1.8 times that.
   */
  static final float BFLOAT16_TOLERANCE = 0.01f;
  /**
   * Largest |int8 - f32| probability allowed. int8 rounds each weight to 1/254 of its column's
   * largest magnitude and the activations to 1/255 of the range they took over the calibration rows.
   * On Frappe's 28,860 test rows the reference preset trained one epoch differed by at most 0.025,
   * calibrated on 4,096 training rows (its test AUC by 0.00001); the limit leaves twice that.
   */
  static final float INT8_TOLERANCE = 0.05f;
  /** Random rows, not the ones predicted: an int8 version meets values outside its calibrated ranges. */
  static final CalibrationRows CALIBRATION = new CalibrationRows(RandomExamples.encoded(SPEC, VOCABULARIES, 256, 11));
  /** A DeepFM whose second MLP layer (128 x 128) is large enough for the int8 rewrite. */
  static final ModelSpec WIDE = Presets.deepFm().name("export-deepfm-wide").features(SPEC.features())
      .deepFm(d -> d.dnn(Mlp.of(128, 128))).build();

  static Stream<Arguments> specsAndPrecisions() {
    return Stream.concat(ExportRoundTripTest.exportedSpecs(), Stream.of(WIDE)).flatMap(spec -> Stream.of(
        Arguments.of(spec, ServingPrecision.BFLOAT16), Arguments.of(spec, ServingPrecision.INT8)));
  }

  @ParameterizedTest
  @MethodSource("specsAndPrecisions")
  void versionPredictsLikeItsFloat32Twin(ModelSpec spec, ServingPrecision precision, @TempDir Path dir)
      throws Exception {
    String checkpoint = dir.resolve("ckpt/model").toString();
    ExportRoundTripTest.trainAFewSteps(spec, checkpoint);
    TrainingMetrics trained = TrainingMetrics.newBuilder()
        .setTest(EvaluationMetrics.newBuilder().setAuc(0.9).setLogloss(0.3)).build();
    EvaluationMetrics servedTest = EvaluationMetrics.newBuilder().setAuc(0.89).setLogloss(0.31).build();
    ModelRepository repository = new ModelRepository(dir.resolve("models"));
    ModelExporter exporter = new ModelExporter(repository, CONFIG);
    long float32 = exporter.export(new ModelExporter.Request("ctr", spec, VOCABULARIES, checkpoint, trained, "f32", 5L));
    ModelExporter.Request lowerRequest = new ModelExporter.Request("ctr", spec, VOCABULARIES, checkpoint, trained,
        "low", 5L, precision, served -> TrainingMetrics.newBuilder().setServedTest(servedTest).build(), CALIBRATION);
    if (precision == ServingPrecision.INT8 && Int8Kernel.refusal().isPresent()) {
      IllegalStateException refused = assertThrows(IllegalStateException.class, () -> exporter.export(lowerRequest));
      assertTrue(refused.getMessage().contains(Int8Kernel.refusal().get()), refused.getMessage());
      assertEquals(List.of(float32), repository.versions("ctr"), "the refused export leaves no version behind");
      return;
    }
    long lower = exporter.export(lowerRequest);

    float[] expected;
    try (ExportedModel model = ExportedModel.loadFrozen(repository.versionDir("ctr", float32), CONFIG)) {
      assertEquals(ServingPrecision.FLOAT32, model.precision());
      assertFalse(model.metrics().hasServedTest(), "a float32 version is served as trained");
      expected = model.predict(RAW);
    }
    Path lowerDir = repository.versionDir("ctr", lower);
    float[] frozen;
    try (ExportedModel model = ExportedModel.loadFrozen(lowerDir, CONFIG)) {
      assertEquals(precision, model.precision());
      assertEquals(precision, model.metrics().getServingPrecision());
      assertEquals(servedTest, model.metrics().getServedTest());
      assertEquals(trained.getTest(), model.metrics().getTest(), "the float32 figures stay beside the served ones");
      frozen = model.predict(RAW);
      assertArrayEquals(frozen, model.predictEncoded(ExportRoundTripTest.encode(RAW)));
    }
    float tolerance = precision == ServingPrecision.INT8 ? INT8_TOLERANCE : BFLOAT16_TOLERANCE;
    assertArrayEquals(expected, frozen, tolerance, () -> "max |" + precision + " - f32| " + maxDifference(expected, frozen));
    try (ExportedModel model = ExportedModel.loadFrozen(lowerDir, CONFIG)) {
      assertArrayEquals(frozen, model.predict(RAW), "loaded again, the version predicts the same");
    }
    try (ExportedModel model = ExportedModel.load(lowerDir, CONFIG)) {
      assertArrayEquals(frozen, model.predict(RAW), "the SavedModel's own session predicts as the frozen one");
    }
    List<NodeDef> nodes = graph(lowerDir);
    assertTrue(nodes.stream().noneMatch(node -> node.getOp().equals("VariableV2")), "no variable left in the graph");
    assertFalse(Files.exists(lowerDir.resolve(VersionFiles.SAVED_MODEL).resolve("variables/variables.index")),
        "the version keeps its weights in its graph");
    if (precision == ServingPrecision.BFLOAT16) {
      for (NodeDef node : nodes) {
        if (node.getOp().equals("MatMul")) {
          assertEquals(DataType.DT_BFLOAT16, node.getAttrOrThrow("T").getType(),
              "every MatMul multiplies by a weight here: " + node.getName());
        }
      }
    } else {
      assertTrue(nodes.stream().noneMatch(node -> node.getName().contains("/int8/")
          && (node.getOp().equals("Min") || node.getOp().equals("Max"))), "activation ranges fixed at export");
      if (spec == WIDE) {
        assertEquals(1, nodes.stream().filter(node -> node.getOp().equals("QuantizedMatMulWithBiasAndDequantize"))
            .count(), "the 128 x 128 product in int8, the smaller ones in float32");
      }
    }
  }

  @Test
  void int8VersionScoresARowAloneAsInABatch(@TempDir Path dir) throws Exception {
    assumeTrue(Int8Kernel.refusal().isEmpty(), () -> Int8Kernel.refusal().orElseThrow());
    String checkpoint = dir.resolve("ckpt/model").toString();
    ExportRoundTripTest.trainAFewSteps(WIDE, checkpoint);
    ModelRepository repository = new ModelRepository(dir.resolve("models"));
    long version = new ModelExporter(repository, CONFIG).export(new ModelExporter.Request("ctr", WIDE, VOCABULARIES,
        checkpoint, TrainingMetrics.getDefaultInstance(), "", 5L, ServingPrecision.INT8, ServedEvaluation.NONE,
        CALIBRATION));
    EncodedBatch rows = RandomExamples.encoded(WIDE, VOCABULARIES, 16, 12);
    try (ExportedModel model = ExportedModel.loadFrozen(repository.versionDir("ctr", version), CONFIG)) {
      float[] batched = model.predictEncoded(rows);
      for (int i = 0; i < rows.size(); i++) {
        assertEquals(batched[i], model.predictEncoded(rows.rows(i, i + 1))[0], 1e-6f,
            "row " + i + "'s score must not depend on the rows batched with it");
      }
    }
  }

  @Test
  void int8ExportWithoutCalibrationRowsIsRefused(@TempDir Path dir) {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> new ModelExporter.Request(
        "ctr", WIDE, VOCABULARIES, dir.resolve("ckpt/model").toString(), TrainingMetrics.getDefaultInstance(), "", 5L,
        ServingPrecision.INT8, ServedEvaluation.NONE, CalibrationRows.NONE));
    assertTrue(refused.getMessage().contains("needs calibration rows"), refused.getMessage());
  }

  /** A version folder that says INT8 is not loaded where the int8 product does not run (an AVX2-only CPU). */
  @Test
  void int8VersionIsNotLoadedWhereItsProductDoesNotRun(@TempDir Path dir) throws Exception {
    assumeTrue(Int8Kernel.refusal().isPresent(), "this CPU runs the int8 product");
    ModelRepository repository = new ModelRepository(dir.resolve("models"));
    Path version = repository.versionDir("ctr",
        ExportedVersions.exportClaiming(repository, "ctr", WIDE, VOCABULARIES, 5L, ServingPrecision.INT8));

    IOException refused = assertThrows(IOException.class, () -> ExportedModel.loadFrozen(version, CONFIG));
    assertTrue(refused.getMessage().contains("serves in INT8, which this machine cannot: "
        + Int8Kernel.refusal().get()), refused.getMessage());
  }

  /** The probe either passes or names TensorFlow's failure; anything else is a fault of the probe itself. */
  @Test
  void int8ProbeGivesAVerdict() {
    Int8Kernel.refusal().ifPresent(reason -> assertTrue(reason.startsWith("TensorFlow's int8 product"), reason));
  }

  private static List<NodeDef> graph(Path versionDir) {
    try (SavedModelBundle bundle = SavedModelBundle.load(versionDir.resolve(VersionFiles.SAVED_MODEL).toString(),
        "serve")) {
      return bundle.graph().toGraphDef().getNodeList();
    }
  }

  private static float maxDifference(float[] a, float[] b) {
    float max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
