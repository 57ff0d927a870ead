package io.dlf.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dlf.dsl.Presets;
import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.export.ExportedModel;
import io.dlf.dsl.export.Int8Kernel;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.dsl.spec.Mlp;
import io.dlf.dsl.testing.ExportedVersions;
import io.dlf.proto.inference.ModelMetadataRequest;
import io.dlf.proto.model.v1.ServingPrecision;
import io.dlf.proto.serving.v1.GetModelMetadataRequest;
import io.dlf.proto.serving.v1.GetModelStatusRequest;
import io.dlf.proto.serving.v1.ModelSpec;
import io.dlf.proto.serving.v1.VersionState;
import io.dlf.proto.serving.v1.VersionStatus;
import io.dlf.serving.grpc.PredictRequests;
import io.dlf.serving.version.VersionPolicy;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.proto.ConfigProto;

/**
 * A float32 version (1) and its bfloat16 (2) and int8 (3) twins from the same weights, served by a
 * real server on a loopback port: each lower-precision version answers exactly as it predicts in
 * process, within the stated tolerance of its float32 twin, and both metadata APIs report each
 * version's precision. Where the CPU does not run the int8 product, the int8 version fails to load
 * and says why.
 */
@Tag("e2e")
class ServingPrecisionEndToEndTest {
  private static final long SEED = 11;
  /** A DeepFM on the small model's features whose 128 x 128 layer is large enough for the int8 rewrite. */
  private static final io.dlf.dsl.spec.ModelSpec WIDE = Presets.deepFm().name("wide")
      .features(ExportedVersions.SMALL.features()).deepFm(d -> d.dnn(Mlp.of(128, 128))).build();
  /** As ServingPrecisionExportTest states them (measured on Frappe's test split for the reference preset). */
  private static final Map<Long, Float> TOLERANCE = Map.of(2L, 0.01f, 3L, 0.05f);
  private static final Map<Long, String> PRECISION = Map.of(1L, "float32", 2L, "bfloat16", 3L, "int8");
  private static final RawBatch BATCH = TestVersions.examples(64, 5);
  @TempDir
  static Path root;
  private static RunningServer serving;

  @BeforeAll
  static void start() throws Exception {
    ModelRepository repository = new ModelRepository(root);
    for (ServingPrecision precision : new ServingPrecision[] {ServingPrecision.FLOAT32, ServingPrecision.BFLOAT16}) {
      ExportedVersions.export(repository, "ctr", WIDE, ExportedVersions.SMALL_VOCABULARIES, SEED, precision);
    }
    if (Int8Kernel.refusal().isEmpty()) {
      ExportedVersions.export(repository, "ctr", WIDE, ExportedVersions.SMALL_VOCABULARIES, SEED, ServingPrecision.INT8);
    } else {
      // no int8 version can be made here: one that says INT8 stands for a version made on another machine
      ExportedVersions.exportClaiming(repository, "ctr", WIDE, ExportedVersions.SMALL_VOCABULARIES, SEED,
          ServingPrecision.INT8);
    }
    serving = RunningServer.start(root, c -> c.withVersions(c.versions().withDefaultPolicy(new VersionPolicy.All())));
  }

  @AfterAll
  static void stop() {
    serving.close();
  }

  private static float[] served(long version) {
    return toArray(serving.predictions().predict(PredictRequests.rows(
        ModelSpec.newBuilder().setName("ctr").setVersion(version).build(), BATCH)).getProbabilitiesList());
  }

  @ParameterizedTest
  @ValueSource(longs = {2, 3})
  void versionIsServedAsItPredictsInProcessAndCloseToItsFloat32Twin(long version) throws Exception {
    assumeTrue(version != 3 || Int8Kernel.refusal().isEmpty(), () -> Int8Kernel.refusal().orElseThrow());
    float[] inProcess;
    try (ExportedModel model = ExportedModel.loadFrozen(serving.repository.versionDir("ctr", version),
        ConfigProto.getDefaultInstance())) {
      inProcess = model.predict(BATCH);
    }
    float[] lower = served(version);
    assertArrayEquals(inProcess, lower, "served over gRPC: bit for bit the in-process prediction");
    assertArrayEquals(served(1), lower, TOLERANCE.get(version));
  }

  /** Where the int8 product does not run, an int8 version fails to load, says why, and takes nothing else down. */
  @Test
  void int8VersionFailsWhereItsProductDoesNotRun() {
    assumeTrue(Int8Kernel.refusal().isPresent(), "this CPU runs the int8 product");
    VersionStatus int8 = serving.models().getModelStatus(GetModelStatusRequest.newBuilder().setName("ctr").build())
        .getVersionsList().stream().filter(status -> status.getVersion() == 3).findFirst().orElseThrow();
    assertEquals(VersionState.VERSION_STATE_FAILED, int8.getState(), int8.toString());
    assertTrue(int8.getError().contains("serves in INT8, which this machine cannot: " + Int8Kernel.refusal().get()),
        int8.getError());
    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> served(3));
    assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode(), refused.getStatus().toString());
    assertArrayEquals(served(1), served(2), TOLERANCE.get(2L), "the other versions still answer");
  }

  @Test
  void metadataReportsEachVersionsPrecision() {
    for (long version : Int8Kernel.refusal().isEmpty() ? new long[] {1, 2, 3} : new long[] {1, 2}) {
      String expected = PRECISION.get(version);
      assertEquals(expected, serving.models().getModelMetadata(GetModelMetadataRequest.newBuilder()
          .setModel(ModelSpec.newBuilder().setName("ctr").setVersion(version)).build()).getPrecision());
      assertEquals(expected, serving.kserve().modelMetadata(ModelMetadataRequest.newBuilder().setName("ctr")
          .setVersion(Long.toString(version)).build()).getPropertiesOrThrow("precision"));
    }
  }

  private static float[] toArray(List<Float> values) {
    float[] array = new float[values.size()];
    for (int i = 0; i < array.length; i++) {
      array[i] = values.get(i);
    }
    return array;
  }
}
