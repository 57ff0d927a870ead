package io.dlf.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.export.ExportedModel;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.dsl.testing.ExportedVersions;
import io.dlf.proto.inference.ModelMetadataRequest;
import io.dlf.proto.model.v1.ServingPrecision;
import io.dlf.proto.serving.v1.GetModelMetadataRequest;
import io.dlf.proto.serving.v1.ModelSpec;
import io.dlf.serving.grpc.PredictRequests;
import io.dlf.serving.version.VersionPolicy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.ConfigProto;

/**
 * A float32 version (1) and its bfloat16 twin (2) from the same weights, served by a real server on
 * a loopback port: the bfloat16 version answers exactly as it predicts in process, within the
 * stated tolerance of its twin, and both metadata APIs report its precision.
 */
@Tag("e2e")
class Bfloat16ServingEndToEndTest {
  private static final long SEED = 11;
  /** As Bfloat16ExportTest states it (measured at most 0.004 there, 0.0054 on Frappe's test split for the reference preset). */
  private static final float TOLERANCE = 0.01f;
  private static final RawBatch BATCH = TestVersions.examples(64, 5);
  @TempDir
  static Path root;
  private static RunningServer serving;

  @BeforeAll
  static void start() throws Exception {
    ModelRepository repository = new ModelRepository(root);
    for (ServingPrecision precision : new ServingPrecision[] {ServingPrecision.FLOAT32, ServingPrecision.BFLOAT16}) {
      ExportedVersions.export(repository, "ctr", ExportedVersions.SMALL, ExportedVersions.SMALL_VOCABULARIES, SEED,
          precision);
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

  @Test
  void bfloat16VersionIsServedAsItPredictsInProcessAndCloseToItsFloat32Twin() throws Exception {
    float[] inProcess;
    try (ExportedModel model = ExportedModel.loadFrozen(serving.repository.versionDir("ctr", 2),
        ConfigProto.getDefaultInstance())) {
      inProcess = model.predict(BATCH);
    }
    float[] bfloat16 = served(2);
    assertArrayEquals(inProcess, bfloat16, "served over gRPC: bit for bit the in-process prediction");
    assertArrayEquals(served(1), bfloat16, TOLERANCE);
  }

  @Test
  void metadataReportsEachVersionsPrecision() {
    for (long version : new long[] {1, 2}) {
      String expected = version == 1 ? "float32" : "bfloat16";
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
