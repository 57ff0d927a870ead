package io.dlf.trainer.server;

import static io.dlf.trainer.server.StatusAssertions.assertStatus;
import static io.dlf.trainer.server.StatusAssertions.reason;
import static io.dlf.trainer.server.StatusAssertions.violatedFields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.proto.trainer.v1.ClusterShape;
import io.dlf.proto.trainer.v1.ListJobsRequest;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job asking for a cluster (training.cluster) against a trainer with three CPU job slots: a shape
 * out of bounds is an invalid argument named by its field paths, one with more tasks than the slots
 * is refused naming the shape and the capacity. Nothing is stored. (A shape that fits trains:
 * ClusterJobEndToEndTest.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterAdmissionTest {
  private Path dir;
  private RunningTrainer trainer;

  @BeforeAll
  void start(@TempDir Path tempDir) throws Exception {
    dir = tempDir;
    GeneratedData.write(dir.resolve("data"), "gen", 200);
    trainer = RunningTrainer.inProcess(RunningTrainer.config(dir.resolve("trainer"), dir.resolve("data"))
        .withSlots(3, 1));
  }

  @AfterAll
  void stop() throws Exception {
    trainer.close();
  }

  @AfterEach
  void nothingWasStored() throws Exception {
    assertTrue(trainer.stub().listJobs(ListJobsRequest.getDefaultInstance()).getJobsList().isEmpty());
    try (var jobs = Files.list(dir.resolve("trainer/jobs"))) {
      assertEquals(0, jobs.count());
    }
  }

  private StatusRuntimeException submit(Code code, ClusterShape.Builder cluster) {
    SubmitJobRequest request = GeneratedData.request("gen", "cluster", 1).toBuilder()
        .setTraining(GeneratedData.request("gen", "cluster", 1).getTraining().toBuilder().setCluster(cluster))
        .build();
    return assertStatus(code, () -> trainer.stub().submitJob(request));
  }

  @Test
  void shapesOutOfBoundsAreNamedByTheirPaths() {
    StatusRuntimeException zeroAndTooMany = submit(Code.INVALID_ARGUMENT,
        ClusterShape.newBuilder().setWorkers(0).setParameterServers(17));
    assertEquals(List.of("training.cluster.workers", "training.cluster.parameter_servers"),
        violatedFields(zeroAndTooMany));
    assertTrue(zeroAndTooMany.getStatus().getDescription().contains("training.cluster.parameter_servers: 17 must be 1 "
        + "to 16"), zeroAndTooMany.getStatus().getDescription());
    StatusRuntimeException empty = submit(Code.INVALID_ARGUMENT, ClusterShape.newBuilder());
    assertEquals(List.of("training.cluster.workers", "training.cluster.parameter_servers"), violatedFields(empty));
    assertTrue(empty.getStatus().getDescription().contains("required when training.cluster is set"),
        empty.getStatus().getDescription());
  }

  @Test
  void moreTasksThanJobSlotsAreRefusedNamingShapeAndCapacity() {
    StatusRuntimeException e = submit(Code.FAILED_PRECONDITION,
        ClusterShape.newBuilder().setWorkers(2).setParameterServers(2));
    assertEquals("CLUSTER_TOO_LARGE", reason(e));
    String message = e.getStatus().getDescription();
    assertTrue(message.contains("2 workers and 2 parameter servers (4 tasks"), message);
    assertTrue(message.contains("this trainer can offer only 3 job slots"), message);
  }
}
