package io.dlf.serving.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.encode.RawBatch;
import io.dlf.serving.Await;
import io.dlf.serving.GatedModel;
import io.dlf.serving.ServingException;
import io.dlf.serving.ServingException.Kind;
import io.dlf.serving.TestVersions;
import io.dlf.serving.model.ServableModel;
import io.dlf.serving.model.TensorFlowModelLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The queue of one version on a real TensorFlow model: merging, bounds, deadlines, cancellation,
 * shutdown. The model's calls are held at a gate to make requests queue behind a running batch.
 */
class BatcherTest {
  private static ServableModel real;
  private GatedModel model;

  @BeforeAll
  static void load() throws Exception {
    real = new TensorFlowModelLoader(1, -1).load(TestVersions.exported(1));
  }

  @AfterAll
  static void close() {
    real.close();
  }

  @BeforeEach
  void gate() {
    model = new GatedModel(real);
  }

  private Batcher batcher(BatchingConfig config) {
    return new Batcher("model 'test' version 1", model, config, BatchObserver.NONE);
  }

  private static BatchingConfig oneAtATime() {
    return BatchingConfig.defaults().withMaxConcurrentBatches(1);
  }

  /** A request whose outcome lands in a future. */
  private record Submitted(RawBatch examples, CompletableFuture<float[]> outcome, PendingRequest request) {
    static Submitted of(RawBatch examples, long deadlineNanos, BooleanSupplier cancelled) {
      CompletableFuture<float[]> outcome = new CompletableFuture<>();
      PendingRequest request = new PendingRequest(examples, deadlineNanos, cancelled, new PendingRequest.Callback() {
        @Override
        public void succeeded(float[] probabilities) {
          outcome.complete(probabilities);
        }

        @Override
        public void failed(ServingException error) {
          outcome.completeExceptionally(error);
        }
      });
      return new Submitted(examples, outcome, request);
    }

    static Submitted of(RawBatch examples) {
      return of(examples, PendingRequest.NO_DEADLINE, () -> false);
    }

    float[] scores() throws Exception {
      return outcome.get(30, TimeUnit.SECONDS);
    }

    ServingException error() {
      ExecutionException e = assertThrows(ExecutionException.class, () -> outcome.get(30, TimeUnit.SECONDS));
      return (ServingException) e.getCause();
    }
  }

  /** Submits on a thread of its own, which then scores (and waits at the gate); returns once the model holds it. */
  private Thread runningFirst(Batcher batcher, Submitted first) throws InterruptedException {
    model.hold();
    Thread thread = new Thread(() -> batcher.submit(first.request()), "first-request");
    thread.start();
    model.awaitHeldCall();
    return thread;
  }

  @Test
  void requestsQueuedDuringABatchAreMergedAndEachGetsItsOwnScores() throws Exception {
    Batcher batcher = batcher(oneAtATime());
    Submitted first = Submitted.of(TestVersions.examples(1, 100));
    Thread running = runningFirst(batcher, first);
    List<Submitted> queued = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      Submitted s = Submitted.of(TestVersions.examples(i, 100 + i));
      batcher.submit(s.request());
      queued.add(s);
      assertFalse(s.outcome().isDone(), "queued behind the running batch, not scored on the submitting thread");
    }
    model.release();
    running.join();
    assertEquals(List.of(1, 15), model.batchSizes(), "one call for the first request, one for the five queued");
    assertArrayEquals(TestVersions.expected(1, first.examples()), first.scores(), 1e-6f);
    for (Submitted s : queued) {
      assertArrayEquals(TestVersions.expected(1, s.examples()), s.scores(), 1e-6f);
    }
  }

  @Test
  void aFullQueueRefusesWithOverloadedNamingTheLimit() throws Exception {
    Batcher batcher = batcher(oneAtATime().withMaxQueueSize(2));
    Thread running = runningFirst(batcher, Submitted.of(TestVersions.examples(1, 1)));
    List<Submitted> queued = List.of(Submitted.of(TestVersions.examples(1, 2)), Submitted.of(TestVersions.examples(1, 3)));
    queued.forEach(s -> batcher.submit(s.request()));
    ServingException e = assertThrows(ServingException.class,
        () -> batcher.submit(Submitted.of(TestVersions.examples(1, 4)).request()));
    assertEquals(Kind.OVERLOADED, e.kind());
    assertTrue(e.getMessage().contains("2 requests, the max-queue-size"), e.getMessage());
    model.release();
    running.join();
    for (Submitted s : queued) {
      assertEquals(1, s.scores().length, "the queue drains once the batch ends");
    }
  }

  @Test
  void anExpiredRequestIsDroppedBeforeTheModelSeesIt() throws Exception {
    Batcher batcher = batcher(oneAtATime());
    Thread running = runningFirst(batcher, Submitted.of(TestVersions.examples(1, 1)));
    // Its deadline passes the moment it is queued, behind the batch the model holds.
    Submitted late = Submitted.of(TestVersions.examples(3, 2), System.nanoTime(), () -> false);
    Submitted patient = Submitted.of(TestVersions.examples(2, 3));
    batcher.submit(late.request());
    batcher.submit(patient.request());
    model.release();
    running.join();
    ServingException e = late.error();
    assertEquals(Kind.DEADLINE_EXCEEDED, e.kind());
    assertTrue(e.getMessage().contains("before the examples were scored"), e.getMessage());
    assertEquals(2, patient.scores().length);
    assertEquals(List.of(1, 2), model.batchSizes(), "the expired request's 3 examples never reached the model");
  }

  @Test
  void aCancelledRequestIsDropped() throws Exception {
    Batcher batcher = batcher(oneAtATime());
    Thread running = runningFirst(batcher, Submitted.of(TestVersions.examples(1, 1)));
    Submitted gone = Submitted.of(TestVersions.examples(4, 2), PendingRequest.NO_DEADLINE, () -> true);
    batcher.submit(gone.request());
    model.release();
    running.join();
    assertEquals(Kind.CANCELLED, gone.error().kind());
    assertEquals(List.of(1), model.batchSizes());
  }

  @Test
  void withBatchingOffEachRequestIsScoredAlone() throws Exception {
    Batcher batcher = batcher(oneAtATime().withEnabled(false));
    Thread running = runningFirst(batcher, Submitted.of(TestVersions.examples(1, 1)));
    List<Submitted> queued = List.of(Submitted.of(TestVersions.examples(2, 2)), Submitted.of(TestVersions.examples(3, 3)));
    queued.forEach(s -> batcher.submit(s.request()));
    model.release();
    running.join();
    assertEquals(List.of(1, 2, 3), model.batchSizes());
    for (Submitted s : queued) {
      assertArrayEquals(TestVersions.expected(1, s.examples()), s.scores(), 1e-6f);
    }
  }

  @Test
  void aBatchNeverExceedsTheMaxBatchSize() throws Exception {
    Batcher batcher = batcher(oneAtATime().withMaxBatchSize(7));
    Thread running = runningFirst(batcher, Submitted.of(TestVersions.examples(1, 1)));
    List<Submitted> queued = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      queued.add(Submitted.of(TestVersions.examples(3, 10 + i)));
      batcher.submit(queued.get(i).request());
    }
    model.release();
    running.join();
    assertEquals(List.of(1, 6, 6), model.batchSizes());
    for (Submitted s : queued) {
      assertArrayEquals(TestVersions.expected(1, s.examples()), s.scores(), 1e-6f);
    }
  }

  @Test
  void aQueueDelayWaitsForMoreRequestsUntilTheBatchIsFull() throws Exception {
    Batcher batcher = batcher(oneAtATime().withMaxBatchSize(4).withMaxQueueDelay(Duration.ofSeconds(20)));
    Submitted first = Submitted.of(TestVersions.examples(2, 1));
    Submitted second = Submitted.of(TestVersions.examples(2, 2));
    long start = System.nanoTime();
    Thread waiting = new Thread(() -> batcher.submit(first.request()), "waiting-for-more");
    waiting.start();
    Await.until("the first request waits for more", Duration.ofSeconds(30),
        () -> waiting.getState() == Thread.State.TIMED_WAITING);
    assertFalse(first.outcome().isDone(), "waits for the batch to fill");
    batcher.submit(second.request());
    waiting.join();
    assertEquals(List.of(4), model.batchSizes(), "both requests in one call");
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "a full batch does not wait out the delay");
    assertArrayEquals(TestVersions.expected(1, second.examples()), second.scores(), 1e-6f);
  }

  @Test
  void closingFailsTheQueuedRequestsAndRefusesNewOnes() throws Exception {
    Batcher batcher = batcher(oneAtATime());
    Submitted first = Submitted.of(TestVersions.examples(1, 1));
    Thread running = runningFirst(batcher, first);
    Submitted queued = Submitted.of(TestVersions.examples(1, 2));
    batcher.submit(queued.request());
    batcher.close();
    assertEquals(Kind.UNAVAILABLE, queued.error().kind());
    assertEquals(Kind.UNAVAILABLE, assertThrows(ServingException.class,
        () -> batcher.submit(Submitted.of(TestVersions.examples(1, 3)).request())).kind());
    model.release();
    running.join();
    assertEquals(1, first.scores().length, "the running batch finishes");
  }
}
