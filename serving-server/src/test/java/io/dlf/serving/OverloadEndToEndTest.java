package io.dlf.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.RetryInfo;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.proto.serving.v1.ModelSpec;
import io.dlf.proto.serving.v1.PredictRequest;
import io.dlf.proto.serving.v1.PredictResponse;
import io.dlf.proto.serving.v1.PredictionServiceGrpc;
import io.dlf.serving.grpc.PredictRequests;
import io.dlf.serving.model.ModelLoader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Overload on a real server on a loopback port: a full queue is refused and says when to retry, an
 * expired request never reaches the model, and the server keeps serving throughout.
 */
@Tag("e2e")
class OverloadEndToEndTest {
  private static final RecordingLoader LOADER = new RecordingLoader();
  private static final long LATE_DEADLINE_MS = 300;

  @TempDir
  static Path root;
  private static RunningServer serving;

  @BeforeAll
  static void start() throws Exception {
    TestVersions.publish(new ModelRepository(root), "ctr", 1);
    serving = RunningServer.start(root, c -> c.withBatching(c.batching().withMaxConcurrentBatches(1).withMaxQueueSize(2)),
        binder -> binder.bind(ModelLoader.class).toInstance(LOADER));
  }

  @AfterAll
  static void stop() {
    serving.close();
  }

  private static ModelSpec ctr() {
    return ModelSpec.newBuilder().setName("ctr").build();
  }

  private static PredictResponse predict(PredictRequest request) {
    return serving.predictions().predict(request);
  }

  private static String metrics() {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + serving.server.metricsPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aFullQueueIsResourceExhaustedAndAnExpiredRequestNeverReachesTheModel() throws Exception {
    GatedModel model = LOADER.model(1);
    List<Integer> before = model.batchSizes();
    model.hold();
    PredictionServiceGrpc.PredictionServiceFutureStub async = PredictionServiceGrpc.newFutureStub(serving.channel);
    Future<PredictResponse> running = async.withDeadlineAfter(60, TimeUnit.SECONDS)
        .predict(PredictRequests.rows(ctr(), TestVersions.examples(1, 1)));
    model.awaitHeldCall();
    Future<PredictResponse> queued = async.withDeadlineAfter(60, TimeUnit.SECONDS)
        .predict(PredictRequests.rows(ctr(), TestVersions.examples(2, 2)));
    Future<PredictResponse> late = async.withDeadlineAfter(LATE_DEADLINE_MS, TimeUnit.MILLISECONDS)
        .predict(PredictRequests.rows(ctr(), TestVersions.examples(3, 3)));
    Await.until("both requests are queued", Duration.ofSeconds(30),
        () -> metrics().contains("dlf_serving_queued_requests{model=\"ctr\",version=\"1\"} 2.0"));
    long lateQueuedBy = System.nanoTime();
    StatusRuntimeException full = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> predict(PredictRequests.rows(ctr(), TestVersions.examples(4, 4))));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, full.getStatus().getCode());
    assertTrue(full.getStatus().getDescription().contains("2 requests, the max-queue-size"),
        full.getStatus().getDescription());
    assertTrue(StatusProto.fromThrowable(full).getDetailsList().stream().anyMatch(d -> d.is(RetryInfo.class)));

    ExecutionException expired = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> late.get(30, TimeUnit.SECONDS));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, Status.fromThrowable(expired.getCause()).getCode());
    // The server's copy of the deadline starts when the request arrived, which can be after the
    // client's on a loaded machine; it has passed for certain once the full timeout has run from
    // a moment the request was already queued.
    long serverDeadlinePassed = lateQueuedBy + TimeUnit.MILLISECONDS.toNanos(LATE_DEADLINE_MS + 1);
    Await.until("the server-side deadline of the late request has passed", Duration.ofSeconds(5),
        () -> System.nanoTime() - serverDeadlinePassed > 0);
    model.release();
    assertEquals(1, running.get(30, TimeUnit.SECONDS).getProbabilitiesCount());
    assertEquals(2, queued.get(30, TimeUnit.SECONDS).getProbabilitiesCount());
    List<Integer> after = model.batchSizes().subList(before.size(), model.batchSizes().size());
    assertEquals(List.of(1, 2), after, "the 3 examples whose deadline passed were dropped before the model");
    assertEquals(1, predict(PredictRequests.rows(ctr(), TestVersions.examples(1, 9))).getVersion(),
        "the server serves on");
  }
}
