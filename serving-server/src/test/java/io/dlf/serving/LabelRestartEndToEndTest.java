package io.dlf.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.proto.serving.v1.ModelServiceGrpc;
import io.dlf.proto.serving.v1.ModelSpec;
import io.dlf.proto.serving.v1.PredictionServiceGrpc;
import io.dlf.proto.serving.v1.SetLabelRequest;
import io.dlf.serving.grpc.PredictRequests;
import io.dlf.server.testing.ChildJvm;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving server as its own process, killed with SIGKILL while a client predicts through a
 * label, and started again on the same repository: the label answers again, and no request finds
 * it missing.
 */
@Tag("e2e")
class LabelRestartEndToEndTest {
  private static final Duration WAIT = Duration.ofMinutes(2);

  @TempDir
  Path dir;

  @Test
  void aLabelSetThroughTheApiAnswersAfterTheServerIsKilledAndStartedAgain() throws Exception {
    ModelRepository repository = new ModelRepository(dir.resolve("models"));
    TestVersions.publish(repository, "ctr", 1);
    TestVersions.publish(repository, "ctr", 2);
    int port = ChildJvm.freePort();
    List<String> args = List.of("--model-repository", repository.root().toString(), "--port", Integer.toString(port),
        "--metrics-port", "-1", "--poll-interval", "200ms", "--version-policy", "all", "--label", "ctr:stable=2");
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    RawBatch batch = TestVersions.examples(3, 7);
    AtomicBoolean stop = new AtomicBoolean();
    Map<Status.Code, AtomicLong> failures = new ConcurrentHashMap<>();
    AtomicLong notFound = new AtomicLong();
    AtomicReference<String> firstNotFound = new AtomicReference<>("");
    AtomicLong answeredByVersion1 = new AtomicLong();
    Thread client = new Thread(() -> {
      while (!stop.get()) {
        try {
          long version = predict(channel, "prod", batch);
          if (version == 1) {
            answeredByVersion1.incrementAndGet();
          }
        } catch (StatusRuntimeException e) {
          failures.computeIfAbsent(e.getStatus().getCode(), c -> new AtomicLong()).incrementAndGet();
          if (e.getStatus().getCode() == Status.Code.NOT_FOUND && notFound.getAndIncrement() == 0) {
            firstNotFound.set(e.getStatus().getDescription());
          }
        }
      }
    }, "prod-client");
    try {
      try (ChildJvm first = ChildJvm.start(ServingServerMain.class, args, dir.resolve("first.log"))) {
        first.awaitServing(channel, WAIT);
        ModelServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).setLabel(
            SetLabelRequest.newBuilder().setModel("ctr").setLabel("prod").setVersion(1).build());
        assertEquals(1, predict(channel, "prod", batch));
        client.start();
        Await.until("the client predicts through 'prod'", WAIT, () -> answeredByVersion1.get() > 20);
        first.kill();
      }
      long beforeRestart = answeredByVersion1.get();
      try (ChildJvm second = ChildJvm.start(ServingServerMain.class, args, dir.resolve("second.log"))) {
        second.awaitServing(channel, WAIT);
        channel.resetConnectBackoff();
        Await.until("the client is answered (or refused) through 'prod' on the restarted server", WAIT,
            () -> answeredByVersion1.get() > beforeRestart + 20 || notFound.get() > 20);
        stop.set(true);
        client.join();
        assertEquals(0, notFound.get(), "requests that found the label missing, the first: '" + firstNotFound.get()
            + "'; failures by code: " + failures);
        assertEquals(1, predict(channel, "prod", batch));
        assertEquals(2, predict(channel, "stable", batch), "the label from the command line answers too");
      }
    } finally {
      stop.set(true);
      client.join();
      channel.shutdownNow();
    }
    assertTrue(failures.keySet().stream().allMatch(c -> c == Status.Code.UNAVAILABLE
        || c == Status.Code.DEADLINE_EXCEEDED), "only calls the kill cut or the restart outlasted failed: " + failures);
  }

  /** Waits while the server is down (up to the deadline) instead of failing at once, as a patient client does. */
  private static long predict(ManagedChannel channel, String label, RawBatch batch) {
    return PredictionServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).withWaitForReady()
        .predict(PredictRequests.rows(ModelSpec.newBuilder().setName("ctr").setLabel(label).build(), batch))
        .getVersion();
  }
}
