package io.dlf.trainer.server;

import static io.dlf.trainer.server.StatusAssertions.assertStatus;
import static io.dlf.trainer.server.StatusAssertions.reason;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Timestamps;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.proto.trainer.v1.ClusterShape;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobEvent;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.ListJobsRequest;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ClusterJobEndToEndTest} with the job store and queue in PostgreSQL (a real server, a fresh
 * database per test; the trainer is API and worker host in one): the worker host that leases a
 * cluster job runs its tasks on its loopback, and a lost task's attempt goes back to the shared
 * queue to resume from the checkpoint. Also: a cluster job waits until its host has a free slot per
 * task, and a cluster larger than every worker host is refused at submit.
 */
@Tag("e2e")
class PostgresClusterJobEndToEndTest extends ClusterJobEndToEndTest {
  @RegisterExtension
  static final FreshDatabase DATABASE = new FreshDatabase();

  @Override
  protected TrainerServerConfig config(String... workerOptions) {
    return DATABASE.cluster(super.config(workerOptions), "cluster-host");
  }

  @Test
  void aClusterJobWaitsUntilItsHostHasASlotPerTask() throws Exception {
    try (RunningTrainer trainer = RunningTrainer.start(config())) {
      Job single = trainer.stub().submitJob(GeneratedData.request("large", "single", 3));
      trainer.watchUntil(single.getId(), JobEvent::hasProgress, LONG);
      // 3 of the host's 4 CPU slots are free: too few for 2 workers and 2 parameter servers
      Job cluster = trainer.stub().submitJob(clusterRequest("cluster", 1, false));

      Job singleEnded = trainer.awaitEnd(single.getId(), LONG);
      Job clusterEnded = trainer.awaitEnd(cluster.getId(), LONG);
      assertEquals(JobState.SUCCEEDED, singleEnded.getState(), singleEnded.toString());
      assertEquals(JobState.SUCCEEDED, clusterEnded.getState(), clusterEnded.toString());
      assertTrue(Timestamps.compare(cluster.getCreateTime(), singleEnded.getEndTime()) < 0,
          "the cluster job was queued while the single job ran: " + singleEnded);
      assertTrue(Timestamps.compare(clusterEnded.getAttemptHistory(0).getStartTime(), singleEnded.getEndTime()) >= 0,
          "the cluster job started only once the single job had given its slot back: " + clusterEnded);
      assertEquals(List.of(1L), new ModelRepository(config().modelsDir()).versions("cluster"));
    }
  }

  @Test
  void aClusterLargerThanEveryWorkerHostIsRefusedAtSubmit() throws Exception {
    SubmitJobRequest request = clusterRequest("too-large", 1, false);
    SubmitJobRequest fiveTasks = request.toBuilder().setTraining(request.getTraining().toBuilder()
        .setCluster(ClusterShape.newBuilder().setWorkers(3).setParameterServers(2))).build();
    try (RunningTrainer trainer = RunningTrainer.start(config())) {
      StatusRuntimeException e = assertStatus(Code.FAILED_PRECONDITION, () -> trainer.stub().submitJob(fiveTasks));
      assertEquals("CLUSTER_TOO_LARGE", reason(e));
      String message = e.getStatus().getDescription();
      assertTrue(message.contains("3 workers and 2 parameter servers (5 tasks"), message);
      assertTrue(message.contains("the worker hosts that are up (the largest alone, or those sharing tasks through "
          + "--cluster-address together) can offer only 4 job slots"), message);
      assertEquals(0, trainer.stub().listJobs(ListJobsRequest.getDefaultInstance()).getJobsCount(), "nothing stored");
    }
  }
}
