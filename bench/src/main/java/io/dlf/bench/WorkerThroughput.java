package io.dlf.bench;

import io.dlf.dsl.cluster.ClusterLayout;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.training.EmbeddingUpdates;
import io.dlf.dsl.training.OptimizerSettings;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.GeneratedDatasets;
import io.dlf.trainer.data.GenerationListener;
import io.dlf.trainer.encode.PreparationListener;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.encode.PreparedDataCache;
import io.dlf.trainer.training.ClusterReplicas;
import io.dlf.trainer.training.Replica;
import io.dlf.trainer.training.Replicas;
import io.dlf.trainer.worker.ClusterTasks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Samples/s of 1 and 2 workers on the same parameter servers, and of the whole model in this process,
 * on the generated Criteo-shaped dataset: the tasks started as a cluster job starts them
 * ({@link ClusterTasks}), one replica per worker ({@link ClusterReplicas}), row-wise Adam on the tables;
 * and of all the workers stepping synchronously, sharing each batch. The configurations take turns, a
 * round each, so all see the same moments of a busy machine.
 */
record WorkerThroughput(int rows, int hashBuckets, int parameterServers, int workers, ReplicaSteps steps, int rounds,
    Path workDir) {
  static final String IN_PROCESS = "in_process";
  /** The key of the synchronous configuration after its worker count: "2_synchronous". */
  static final String SYNCHRONOUS = "_synchronous";
  static final Duration READY_WITHIN = Duration.ofMinutes(2);
  static final Duration OPERATION_TIMEOUT = Duration.ofMinutes(5);

  /**
   * Per configuration ("in_process", "1", "2", "2_synchronous"), every round's figures; the partitions read
   * back; the analytic count.
   */
  record Result(Map<String, List<ReplicaSteps.Timed>> runs, List<TablePartitions.Partition> partitions,
      StepTraffic analytic, ModelSpec spec) {}

  Result run() throws Exception {
    String name = GeneratedDatasets.SYNTHETIC_CRITEO + ":" + rows;
    ModelSpec spec = ScaleModel.on(ScaleModel.criteoShaped(hashBuckets));
    System.out.println("preparing " + name + " (" + hashBuckets + " hash buckets)");
    PreparedData data = new PreparedDataCache(workDir.resolve("prepared-criteo")).prepare(spec,
        GeneratedDatasets.schema(name), new GeneratedDatasets(workDir.resolve("generated")).splits(name,
            GenerationListener.NONE), BadRows.FAIL, PreparationListener.NONE);
    OptimizerSettings optimizer = OptimizerSettings.defaults().embeddingUpdates(EmbeddingUpdates.ROW_WISE);
    ModelPlan plan = ModelPlan.of(spec);
    try (ClusterTasks tasks = ClusterTasks.start(parameterServers, workers, workDir.resolve("tasks-throughput"),
        READY_WITHIN, Set.of(), lost -> System.err.println("lost: " + lost))) {
      ClusterLayout layout = tasks.layout();
      System.out.println("cluster: " + layout);
      List<Replica> cluster = new ClusterReplicas(layout, OPERATION_TIMEOUT).open(plan, data.layout(), 2019L, optimizer,
          FrappeQuality.sessionConfig());
      // the same variables on the parameter servers (its graph names them alike), stepped synchronously
      List<Replica> synchronous = new ClusterReplicas(layout, OPERATION_TIMEOUT, true).open(plan, data.layout(), 2019L,
          optimizer, FrappeQuality.sessionConfig());
      List<Replica> local = Replicas.IN_PROCESS.open(plan, data.layout(), 2019L, optimizer,
          FrappeQuality.sessionConfig());
      try {
        cluster.get(0).session().initialize();
        // the same variables again, for this session's own bookkeeping of initialisers
        synchronous.get(0).session().initialize();
        local.get(0).session().initialize();
        return measure(tasks, cluster, synchronous.get(0), local.get(0), data, spec);
      } catch (RuntimeException e) {
        throw tasks.explain(e);
      } finally {
        local.forEach(Replica::close);
        synchronous.forEach(Replica::close);
        for (int k = cluster.size() - 1; k >= 0; k--) {
          cluster.get(k).close();
        }
      }
    }
  }

  private Result measure(ClusterTasks tasks, List<Replica> cluster, Replica synchronous, Replica local,
      PreparedData data, ModelSpec spec) throws Exception {
    // read through the last worker: its session gets the rows from the parameter servers, not from its own graph
    List<TablePartitions.Partition> partitions = TablePartitions.read(cluster.get(cluster.size() - 1));
    StepTraffic analytic = StepTraffic.count(cluster.get(0), data, steps.batch(), 5);
    LoopbackTraffic traffic = new LoopbackTraffic(ports(tasks.layout()));
    Map<String, List<Replica>> configurations = new LinkedHashMap<>();
    configurations.put(IN_PROCESS, List.of(local));
    for (int w = 1; w <= workers; w++) {
      configurations.put(Integer.toString(w), cluster.subList(0, w));
    }
    configurations.put(workers + SYNCHRONOUS, List.of(synchronous));
    Map<String, List<ReplicaSteps.Timed>> runs = new LinkedHashMap<>();
    configurations.keySet().forEach(k -> runs.put(k, new ArrayList<>()));
    List<String> order = new ArrayList<>(configurations.keySet());
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < order.size(); i++) {
        // rotate who goes first, so none always follows the same neighbour
        String key = order.get((i + round) % order.size());
        ReplicaSteps.Timed timed = steps.run(configurations.get(key), data, round + 1, traffic);
        runs.get(key).add(timed);
        System.out.printf(Locale.ROOT, "round %d, %s: %,.0f samples/s, %.3f s/step, %,d bytes/step between tasks, "
            + "%,d client, %,d on lo%n", round + 1, key, timed.samplesPerSecond(), timed.secondsPerStep(),
            timed.bytesPerStep().betweenTasks(), timed.bytesPerStep().client(), timed.bytesPerStep().loopback());
      }
    }
    return new Result(runs, partitions, analytic, spec);
  }

  private static Set<Integer> ports(ClusterLayout layout) {
    Set<Integer> ports = new HashSet<>();
    List<String> all = new ArrayList<>(layout.parameterServers());
    all.addAll(layout.workers());
    for (String address : all) {
      ports.add(Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)));
    }
    return ports;
  }
}
