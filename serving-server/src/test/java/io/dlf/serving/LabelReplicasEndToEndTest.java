package io.dlf.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.proto.serving.v1.GetModelStatusRequest;
import io.dlf.proto.serving.v1.ModelSpec;
import io.dlf.proto.serving.v1.RemoveLabelRequest;
import io.dlf.proto.serving.v1.SetLabelRequest;
import io.dlf.proto.serving.v1.VersionState;
import io.dlf.serving.grpc.PredictRequests;
import io.dlf.serving.repository.RepositoryConfig;
import io.dlf.serving.version.VersionPolicy;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two serving servers (replicas) over one repository: a label set or moved on one answers on the
 * other within a poll interval, and predictions through a label never fail while it moves.
 */
@Tag("e2e")
class LabelReplicasEndToEndTest {
  private static final Logger LOG = Logger.getLogger(LabelReplicasEndToEndTest.class.getName());
  private static final Duration POLL = Duration.ofMillis(200);
  /** One poll, plus room for a machine shared with other builds. */
  private static final Duration CONVERGE = POLL.plusSeconds(5);
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path root;

  private RunningServer replica(VersionPolicy policy) throws Exception {
    return RunningServer.start(root, c -> c.withRepository(new RepositoryConfig(root, POLL))
        .withVersions(c.versions().withDefaultPolicy(policy)));
  }

  /** Predicts through a label on one replica until stopped, keeping what answered and what failed. */
  private static final class LabelClient extends Thread {
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicLong answers = new AtomicLong();
    final AtomicLong lastVersion = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    /** The first few failures, for the message. */
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final RunningServer replica;
    private final String label;
    private final RawBatch batch = TestVersions.examples(2, 11);

    LabelClient(RunningServer replica, String label, String name) {
      super(name);
      this.replica = replica;
      this.label = label;
    }

    @Override
    public void run() {
      while (!stop.get()) {
        try {
          lastVersion.set(predict(replica, label, batch));
          answers.incrementAndGet();
        } catch (StatusRuntimeException e) {
          if (failed.incrementAndGet() <= 5) {
            failures.add(getName() + ": " + e.getStatus());
          }
        }
      }
    }

    void awaitAnswersFrom(long version, String what) throws InterruptedException {
      long after = answers.get();
      Await.until(what, WAIT, () -> lastVersion.get() == version && answers.get() > after + 5);
    }

    void finish() throws InterruptedException {
      stop.set(true);
      join();
    }
  }

  @Test
  void aLabelSetOnOneReplicaAnswersOnTheOtherAndMovesWithoutAFailedRequest() throws Exception {
    ModelRepository repository = new ModelRepository(root);
    TestVersions.publish(repository, "ctr", 1);
    TestVersions.publish(repository, "ctr", 2);
    RawBatch batch = TestVersions.examples(3, 5);
    try (RunningServer first = replica(new VersionPolicy.All());
        RunningServer second = replica(VersionPolicy.latest())) {
      first.models().setLabel(label("prod", 2));
      long converged = converge("the second replica answers through 'prod'", () -> predict(second, "prod", batch) == 2);
      LOG.info(() -> "'prod' set on the first replica answered on the second after " + converged + " ms");

      List<LabelClient> clients = List.of(new LabelClient(first, "prod", "first-prod"),
          new LabelClient(second, "prod", "second-prod"));
      clients.forEach(Thread::start);
      try {
        clients.get(0).awaitAnswersFrom(2, "the first replica answers through 'prod'");
        clients.get(1).awaitAnswersFrom(2, "the second replica answers through 'prod'");
        // version 1 is not loaded on the second replica (latest:1): the label loads it, then moves
        first.models().setLabel(label("prod", 1));
        clients.get(0).awaitAnswersFrom(1, "'prod' moved on the first replica");
        clients.get(1).awaitAnswersFrom(1, "'prod' moved on the second replica once it loaded version 1");
      } finally {
        for (LabelClient client : clients) {
          client.finish();
        }
      }
      assertEquals(0, clients.stream().mapToLong(c -> c.failed.get()).sum(),
          "requests through 'prod' that failed while it moved; the first: "
              + clients.stream().flatMap(c -> c.failures.stream()).toList());
      assertEquals(List.of(VersionState.VERSION_STATE_AVAILABLE, VersionState.VERSION_STATE_AVAILABLE),
          second.models().getModelStatus(GetModelStatusRequest.newBuilder().setName("ctr").build()).getVersionsList()
              .stream().map(v -> v.getState()).toList(), "the label keeps version 1 loaded beside the latest");

      second.models().setLabel(label("canary", 2));
      long canary = converge("the first replica answers through 'canary'", () -> predict(first, "canary", batch) == 2);
      LOG.info(() -> "'canary' set on the second replica answered on the first after " + canary + " ms");

      second.models().removeLabel(RemoveLabelRequest.newBuilder().setModel("ctr").setLabel("canary").build());
      converge("'canary' is gone on the first replica", () -> notFound(() -> predict(first, "canary", batch)));
      assertEquals(1, predict(first, "prod", batch));
      assertEquals(1, predict(second, "prod", batch));
    }
  }

  /** Waits (polling) until {@code condition}, at most {@link #CONVERGE}; returns the milliseconds it took. */
  private static long converge(String what, BooleanSupplier condition) throws InterruptedException {
    long start = System.nanoTime();
    Await.until(what, CONVERGE, () -> {
      try {
        return condition.getAsBoolean();
      } catch (StatusRuntimeException notYet) {
        return false;
      }
    });
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static boolean notFound(Runnable call) {
    try {
      call.run();
      return false;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode() == Status.Code.NOT_FOUND;
    }
  }

  static long predict(RunningServer replica, String label, RawBatch batch) {
    return replica.predictions()
        .predict(PredictRequests.rows(ModelSpec.newBuilder().setName("ctr").setLabel(label).build(), batch))
        .getVersion();
  }

  static SetLabelRequest label(String label, long version) {
    return SetLabelRequest.newBuilder().setModel("ctr").setLabel(label).setVersion(version).build();
  }
}
