package io.dlf.dsl.export;

import static io.dlf.dsl.export.ExportRoundTripTest.CONFIG;
import static io.dlf.dsl.export.ExportRoundTripTest.RAW;
import static io.dlf.dsl.export.ExportRoundTripTest.VOCABULARIES;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.repository.ModelRepository;
import io.dlf.dsl.repository.VersionFiles;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.proto.model.v1.EvaluationMetrics;
import io.dlf.proto.model.v1.ServingPrecision;
import io.dlf.proto.model.v1.TrainingMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;

/**
 * A bfloat16 version against its float32 twin exported from the same checkpoint, for every model
 * family: predictions within {@link #TOLERANCE}, weights stored as bfloat16 constants, and the
 * precision recorded in the manifest and metrics.json with the served figures beside the trained ones.
 */
class Bfloat16ExportTest {
  /**
   * Largest |bf16 - f32| probability allowed. bfloat16 keeps 8 significant bits (relative rounding
   * 2^-9, about 0.002) per weight and per product output. Measured on these four rows: 0.0040 for
   * InterFormer (dot interaction), 0.0030 for DLF, 0.0016 for FinalMLP, under 0.001 for the rest, 0
   * for FM (no products by weights); on Frappe's 28,860 test rows the reference preset trained one
   * epoch differed by at most 0.0054 (bench/serving-precision.sh). The limit leaves 1.8 times that.
   */
  static final float TOLERANCE = 0.01f;

  @ParameterizedTest
  @MethodSource("io.dlf.dsl.export.ExportRoundTripTest#exportedSpecs")
  void bfloat16VersionPredictsLikeItsFloat32Twin(ModelSpec spec, @TempDir Path dir) throws Exception {
    String checkpoint = dir.resolve("ckpt/model").toString();
    ExportRoundTripTest.trainAFewSteps(spec, checkpoint);
    TrainingMetrics trained = TrainingMetrics.newBuilder()
        .setTest(EvaluationMetrics.newBuilder().setAuc(0.9).setLogloss(0.3)).build();
    EvaluationMetrics servedTest = EvaluationMetrics.newBuilder().setAuc(0.89).setLogloss(0.31).build();
    ModelRepository repository = new ModelRepository(dir.resolve("models"));
    ModelExporter exporter = new ModelExporter(repository, CONFIG);
    long float32 = exporter.export(new ModelExporter.Request("ctr", spec, VOCABULARIES, checkpoint, trained, "f32", 5L));
    long bfloat16 = exporter.export(new ModelExporter.Request("ctr", spec, VOCABULARIES, checkpoint, trained, "bf16", 5L,
        ServingPrecision.BFLOAT16, served -> TrainingMetrics.newBuilder().setServedTest(servedTest).build()));

    float[] expected;
    try (ExportedModel model = ExportedModel.loadFrozen(repository.versionDir("ctr", float32), CONFIG)) {
      assertEquals(ServingPrecision.FLOAT32, model.precision());
      assertFalse(model.metrics().hasServedTest(), "a float32 version is served as trained");
      expected = model.predict(RAW);
    }
    Path dirBf16 = repository.versionDir("ctr", bfloat16);
    float[] frozen;
    try (ExportedModel model = ExportedModel.loadFrozen(dirBf16, CONFIG)) {
      assertEquals(ServingPrecision.BFLOAT16, model.precision());
      assertEquals(ServingPrecision.BFLOAT16, model.metrics().getServingPrecision());
      assertEquals(servedTest, model.metrics().getServedTest());
      assertEquals(trained.getTest(), model.metrics().getTest(), "the float32 figures stay beside the served ones");
      frozen = model.predict(RAW);
      assertArrayEquals(frozen, model.predictEncoded(ExportRoundTripTest.encode(RAW)));
    }
    assertArrayEquals(expected, frozen, TOLERANCE, () -> "max |bf16 - f32| " + maxDifference(expected, frozen));
    try (ExportedModel model = ExportedModel.load(dirBf16, CONFIG)) {
      assertArrayEquals(frozen, model.predict(RAW), "the SavedModel's own session predicts as the frozen one");
    }
    assertStoredInBfloat16(dirBf16);
  }

  /** No variables; every product by a weight reads a bfloat16 constant (families with products only). */
  private static void assertStoredInBfloat16(Path versionDir) {
    assertFalse(Files.exists(versionDir.resolve(VersionFiles.SAVED_MODEL).resolve("variables/variables.index")),
        "a bfloat16 version keeps its weights in its graph");
    try (SavedModelBundle bundle = SavedModelBundle.load(versionDir.resolve(VersionFiles.SAVED_MODEL).toString(),
        "serve")) {
      for (NodeDef node : bundle.graph().toGraphDef().getNodeList()) {
        if (node.getOp().equals("MatMul")) {
          assertEquals(DataType.DT_BFLOAT16, node.getAttrOrThrow("T").getType(),
              "every MatMul multiplies by a weight here: " + node.getName());
        }
        if (node.getOp().equals("VariableV2")) {
          throw new AssertionError("variable " + node.getName() + " left in a bfloat16 version");
        }
      }
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
