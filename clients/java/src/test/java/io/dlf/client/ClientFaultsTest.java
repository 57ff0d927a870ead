package io.dlf.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.proto.trainer.v1.CancelJobRequest;
import io.dlf.proto.trainer.v1.GetJobRequest;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.ListJobsRequest;
import io.dlf.proto.trainer.v1.ListJobsResponse;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.dlf.proto.trainer.v1.TrainerServiceGrpc;
import io.dlf.server.GrpcErrors;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's rules against a trainer that misbehaves on purpose, on a loopback port: which calls
 * are retried on UNAVAILABLE and how often, the deadline, and errors kept as the server sent them.
 */
class ClientFaultsTest {
  private final FlakyTrainer service = new FlakyTrainer();
  private Server server;
  private TrainerClient client;

  @BeforeEach
  void start() throws Exception {
    server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(service).build().start();
    client = TrainerClient.builder().target(new Target("127.0.0.1", server.getPort()))
        .retry(new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(50), 2.0)).build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.shutdownNow();
  }

  @Test
  void readsAreRetriedOnUnavailableUntilTheyAnswer() {
    service.unavailableCalls = 2;
    assertEquals("j1", client.job("j1").getId());
    assertEquals(3, service.getJobCalls.get());
  }

  @Test
  void retriesAreBoundedAndTheLastErrorKeepsTheServersMessage() {
    service.unavailableCalls = 100;
    DlfException e = assertThrows(DlfException.class, () -> client.job("j1"));
    assertEquals(4, service.getJobCalls.get());
    assertEquals(Status.Code.UNAVAILABLE, e.code());
    assertEquals("trainer is restarting", e.serverMessage());
    assertFalse(e.unreachable(), "a server answered");
  }

  @Test
  void cancelIsNotRetried() {
    service.unavailableCalls = 1;
    DlfException e = assertThrows(DlfException.class, () -> client.cancel("j1"));
    assertEquals(Status.Code.UNAVAILABLE, e.code());
    assertEquals(1, service.cancelCalls.get());
  }

  @Test
  void submitIsRetriedWithOneIdempotencyKey() {
    service.unavailableCalls = 1;
    client.submit(SubmitJobRequest.getDefaultInstance());
    assertEquals(2, service.requestIds.size());
    assertFalse(service.requestIds.get(0).isEmpty());
    assertEquals(service.requestIds.get(0), service.requestIds.get(1));
  }

  @Test
  void everyCallHasTheDeadline() {
    try (TrainerClient impatient = TrainerClient.builder().target(new Target("127.0.0.1", server.getPort()))
        .deadline(Duration.ofMillis(300)).build()) {
      long start = System.nanoTime();
      DlfException e = assertThrows(DlfException.class, impatient::jobs);
      assertEquals(Status.Code.DEADLINE_EXCEEDED, e.code());
      assertTrue(System.nanoTime() - start < 5_000_000_000L, "the call gave up at its deadline");
    }
  }

  @Test
  void errorsKeepStatusMessageAndFieldViolations() {
    DlfException e = assertThrows(DlfException.class, () -> client.job(""));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
    assertEquals("job_id: must not be empty", e.serverMessage());
    assertEquals(List.of(new DlfException.FieldViolation("job_id", "must not be empty")), e.violations());
    assertTrue(e.getMessage().contains("GetJob on the trainer at 127.0.0.1:" + server.getPort()), e.getMessage());
    assertEquals(1, service.getJobCalls.get(), "INVALID_ARGUMENT is final");
  }

  @Test
  void aPortNobodyListensOnIsUnreachable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (TrainerClient nowhere = TrainerClient.builder().target("127.0.0.1:" + port).retry(RetryPolicy.NONE).build()) {
      DlfException e = assertThrows(DlfException.class, () -> nowhere.job("j1"));
      assertTrue(e.unreachable(), e.getMessage());
      assertEquals(new Target("127.0.0.1", port), e.target());
    }
  }

  /** Answers UNAVAILABLE to the first {@code unavailableCalls} calls; never answers ListJobs. */
  private static final class FlakyTrainer extends TrainerServiceGrpc.TrainerServiceImplBase {
    volatile int unavailableCalls;
    final AtomicInteger getJobCalls = new AtomicInteger();
    final AtomicInteger cancelCalls = new AtomicInteger();
    final List<String> requestIds = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();

    private boolean fail(StreamObserver<?> response) {
      if (calls.incrementAndGet() <= unavailableCalls) {
        response.onError(Status.UNAVAILABLE.withDescription("trainer is restarting").asRuntimeException());
        return true;
      }
      return false;
    }

    @Override
    public void getJob(GetJobRequest request, StreamObserver<Job> response) {
      getJobCalls.incrementAndGet();
      if (request.getJobId().isEmpty()) {
        response.onError(GrpcErrors.invalidArgument("job_id", "must not be empty"));
      } else if (!fail(response)) {
        response.onNext(Job.newBuilder().setId(request.getJobId()).setState(JobState.RUNNING).build());
        response.onCompleted();
      }
    }

    @Override
    public void cancelJob(CancelJobRequest request, StreamObserver<Job> response) {
      cancelCalls.incrementAndGet();
      if (!fail(response)) {
        response.onNext(Job.newBuilder().setId(request.getJobId()).setState(JobState.CANCELLED).build());
        response.onCompleted();
      }
    }

    @Override
    public void submitJob(SubmitJobRequest request, StreamObserver<Job> response) {
      requestIds.add(request.getRequestId());
      if (!fail(response)) {
        response.onNext(Job.newBuilder().setId("j1").setState(JobState.QUEUED).build());
        response.onCompleted();
      }
    }

    @Override
    public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> response) {
      // Never answers: only the client's deadline ends the call.
    }
  }
}
