package io.dlf.trainer.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.cluster.ClusterLayout;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.RemoteSessions;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;

/**
 * A session opened through {@link RemoteSessions} on a worker task of a cluster of task processes
 * ({@link TaskMain}) on loopback: a variable on the parameter server is updated by a step computed on
 * the worker, and the step's trace lists both tasks' devices.
 */
@Tag("e2e")
class RemoteSessionsTest {
  private static LoopbackCluster cluster;

  @BeforeAll
  static void startCluster(@TempDir Path logs) throws Exception {
    cluster = LoopbackCluster.start(1, 1, logs);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aStepOnTheWorkerUpdatesAVariableOnTheParameterServer() {
    ClusterLayout layout = cluster.layout();
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Variable<TFloat32> weights = tf.withDevice(layout.parameterServer(0)).withName("probe.weights")
          .variable(tf.withInitScope().constant(new float[] {1f, 2f}));
      // doubled on the worker, added back on the parameter server (an update is colocated with its variable)
      Ops onWorker = tf.withDevice(layout.worker(0));
      var update = tf.assignAdd(weights, onWorker.math.mul(weights, onWorker.constant(2f)));
      try (Session session = RemoteSessions.open(graph, layout.target(0), ConfigProto.getDefaultInstance())) {
        session.initialize();
        session.run(update);
        Set<String> devices = new TreeSet<>();
        try (Result traced = session.runner().addTarget(update)
            .setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build())
            .runAndFetchMetadata()) {
          traced.getMetadata().orElseThrow().getStepStats().getDevStatsList().stream()
              .map(DeviceStepStats::getDevice).forEach(devices::add);
        }
        try (Result values = session.runner().fetch(weights).run()) {
          float[] actual = new float[2];
          ((TFloat32) values.get(0)).asRawTensor().data().asFloats().read(actual);
          assertArrayEquals(new float[] {9f, 18f}, actual, "1, 2 tripled twice");
        }
        assertTrue(devices.contains("/job:ps/replica:0/task:0/device:CPU:0"), devices.toString());
        assertTrue(devices.contains("/job:worker/replica:0/task:0/device:CPU:0"), devices.toString());
      }
    }
  }
}
