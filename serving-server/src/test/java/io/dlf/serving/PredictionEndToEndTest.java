package io.dlf.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.proto.inference.ModelInferResponse;
import io.dlf.proto.inference.ModelMetadataRequest;
import io.dlf.proto.inference.ModelMetadataResponse;
import io.dlf.proto.inference.ModelReadyRequest;
import io.dlf.proto.inference.ServerLiveRequest;
import io.dlf.proto.inference.ServerMetadataRequest;
import io.dlf.proto.inference.ServerReadyRequest;
import io.dlf.proto.serving.v1.FeatureKind;
import io.dlf.proto.serving.v1.GetModelMetadataRequest;
import io.dlf.proto.serving.v1.ModelMetadata;
import io.dlf.proto.serving.v1.ModelSpec;
import io.dlf.proto.serving.v1.PredictResponse;
import io.dlf.server.testing.ReflectedServices;
import io.dlf.serving.grpc.InferRequests;
import io.dlf.serving.grpc.ModelHealth;
import io.dlf.serving.grpc.PredictRequests;
import io.dlf.serving.version.VersionPolicy;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server on a loopback port serving two versions of a real model: every API returns what
 * the model computes in process, and the server describes itself through health, reflection and
 * metrics.
 */
@Tag("e2e")
class PredictionEndToEndTest {
  private static final Map<String, Integer> SEQUENCE_LENGTHS = Map.of("history", 3);
  private static final RawBatch BATCH = TestVersions.examples(40, 7);
  @TempDir
  static Path root;
  private static RunningServer serving;

  @BeforeAll
  static void start() throws Exception {
    ModelRepository repository = new ModelRepository(root);
    TestVersions.publish(repository, "ctr", 1);
    TestVersions.publish(repository, "ctr", 2);
    serving = RunningServer.start(root, c -> c.withVersions(c.versions().withDefaultPolicy(new VersionPolicy.All())));
  }

  @AfterAll
  static void stop() {
    serving.close();
  }

  private static ModelSpec latest() {
    return ModelSpec.newBuilder().setName("ctr").build();
  }

  @Test
  void predictAnswersWithTheInProcessModelsScoresInBothForms() throws Exception {
    PredictResponse rows = serving.predictions().predict(PredictRequests.rows(latest(), BATCH));
    assertEquals("ctr", rows.getModel());
    assertEquals(2, rows.getVersion(), "the latest version answers");
    assertArrayEquals(TestVersions.expected(2, BATCH), floats(rows.getProbabilitiesList()), 1e-6f);

    PredictResponse columns = serving.predictions().predict(PredictRequests.columns(
        latest().toBuilder().setVersion(1).build(), BATCH));
    assertEquals(1, columns.getVersion());
    assertArrayEquals(TestVersions.expected(1, BATCH), floats(columns.getProbabilitiesList()), 1e-6f);
    assertFalse(java.util.Arrays.equals(TestVersions.expected(1, BATCH), TestVersions.expected(2, BATCH)),
        "the two versions score differently, so the version that answered is visible in the scores");
  }

  @Test
  void kserveModelInferGivesTheSameScoresAsPredict() throws Exception {
    float[] predicted = floats(serving.predictions().predict(PredictRequests.rows(latest(), BATCH)).getProbabilitiesList());
    for (boolean raw : new boolean[] {false, true}) {
      ModelInferResponse response = serving.kserve().modelInfer(
          InferRequests.of("ctr", "", BATCH, SEQUENCE_LENGTHS, raw).toBuilder().setId("req-" + raw).build());
      assertEquals("2", response.getModelVersion());
      assertEquals("req-" + raw, response.getId());
      assertEquals("probability", response.getOutputs(0).getName());
      assertEquals(List.of((long) BATCH.size()), response.getOutputs(0).getShapeList());
      assertEquals(raw, response.getRawOutputContentsCount() == 1, "answers in the form it was asked in");
      assertArrayEquals(predicted, InferRequests.probabilities(response), 0f);
    }
    ModelInferResponse first = serving.kserve().modelInfer(InferRequests.of("ctr", "1", BATCH, SEQUENCE_LENGTHS, true));
    assertEquals("1", first.getModelVersion());
    assertArrayEquals(TestVersions.expected(1, BATCH), InferRequests.probabilities(first), 1e-6f);
  }

  @Test
  void kserveHealthAndMetadataDescribeTheModel() {
    assertTrue(serving.kserve().serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
    assertTrue(serving.kserve().serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
    assertEquals("dlf-serving", serving.kserve().serverMetadata(ServerMetadataRequest.getDefaultInstance()).getName());
    assertTrue(serving.kserve().modelReady(ModelReadyRequest.newBuilder().setName("ctr").build()).getReady());
    assertTrue(serving.kserve().modelReady(ModelReadyRequest.newBuilder().setName("ctr").setVersion("1").build())
        .getReady());
    assertFalse(serving.kserve().modelReady(ModelReadyRequest.newBuilder().setName("ctr").setVersion("7").build())
        .getReady());

    ModelMetadataResponse metadata = serving.kserve().modelMetadata(ModelMetadataRequest.newBuilder().setName("ctr").build());
    assertEquals(List.of("1", "2"), metadata.getVersionsList());
    assertEquals(List.of("user", "item", "price", "history"),
        metadata.getInputsList().stream().map(ModelMetadataResponse.TensorMetadata::getName).toList());
    assertEquals(List.of("BYTES", "BYTES", "FP32", "BYTES"),
        metadata.getInputsList().stream().map(ModelMetadataResponse.TensorMetadata::getDatatype).toList());
    assertEquals(List.of(-1L, 3L), metadata.getInputs(3).getShapeList());
    assertEquals("probability", metadata.getOutputs(0).getName());
    assertEquals("2", metadata.getPropertiesOrThrow("version"));
  }

  @Test
  void modelMetadataListsTheInputsAVersionExpects() {
    ModelMetadata metadata = serving.models().getModelMetadata(GetModelMetadataRequest.newBuilder()
        .setModel(latest().toBuilder().setVersion(1)).build());
    assertEquals(1, metadata.getVersion());
    assertEquals(List.of(FeatureKind.FEATURE_KIND_CATEGORICAL, FeatureKind.FEATURE_KIND_CATEGORICAL,
        FeatureKind.FEATURE_KIND_NUMERIC, FeatureKind.FEATURE_KIND_SEQUENCE),
        metadata.getInputsList().stream().map(i -> i.getKind()).toList());
    assertEquals(3, metadata.getInputs(3).getMaxLength());
    assertEquals(4096, metadata.getMaxExamplesPerRequest());
    assertFalse(metadata.getCreatedAt().isEmpty());
  }

  @Test
  void healthReflectionAndMetricsAreServed() throws Exception {
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(serving.channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.newBuilder()
        .setService(ModelHealth.serviceName("ctr")).build()).getStatus());
    assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.newBuilder()
        .setService("dlf.serving.v1.PredictionService").build()).getStatus());

    List<String> services = ReflectedServices.of(serving.channel);
    assertTrue(services.containsAll(List.of("dlf.serving.v1.PredictionService", "dlf.serving.v1.ModelService",
        "inference.GRPCInferenceService")), services.toString());

    serving.predictions().predict(PredictRequests.rows(latest(), TestVersions.examples(3, 1)));
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + serving.server.metricsPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.contains("dlf_serving_requests_total{api=\"predict\",code=\"OK\",model=\"ctr\",version=\"2\"}"),
        metrics);
    for (String name : List.of("dlf_serving_request_seconds_bucket", "dlf_serving_queue_seconds_bucket",
        "dlf_serving_batch_size_bucket", "dlf_serving_examples_total", "dlf_serving_load_seconds_bucket")) {
      assertTrue(metrics.contains(name), name + " in\n" + metrics);
    }
    assertTrue(metrics.contains("dlf_serving_versions{model=\"ctr\",state=\"AVAILABLE\"} 2.0"), metrics);
    assertTrue(metrics.contains("dlf_serving_model_ready{model=\"ctr\"} 1.0"), metrics);
  }

  static float[] floats(List<Float> values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }
}
