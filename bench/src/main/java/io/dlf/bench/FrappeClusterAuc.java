package io.dlf.bench;

import io.dlf.dsl.Presets;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.proto.model.v1.EpochMetrics;
import io.dlf.proto.model.v1.TrainingMetrics;
import io.dlf.trainer.encode.BatchStream;
import io.dlf.trainer.encode.LabeledBatch;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.job.TrainingOptions;
import io.dlf.trainer.training.ClusterReplicas;
import io.dlf.trainer.training.Metrics;
import io.dlf.trainer.training.Replica;
import io.dlf.trainer.training.StopSignal;
import io.dlf.trainer.training.Trainer;
import io.dlf.trainer.training.TrainingListener;
import io.dlf.trainer.training.TrainingOutcome;
import io.dlf.trainer.worker.ClusterTasks;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine;

/**
 * Frappe DLF in the quality runs' configuration ({@link FrappeQuality}'s defaults), one seed and the
 * same epoch budget, trained in one process and on a cluster as a cluster job trains it, asynchronous
 * and synchronous: tasks from {@link ClusterTasks} (fresh for each run), {@link Trainer} on
 * {@link ClusterReplicas}, test metrics of the best-on-validation checkpoint computed on the cluster,
 * then the synchronous run's checkpoint unsplit for the export. The unsplit checkpoint's test AUC,
 * computed in this process, checks what the export would serve. Each run keeps its state in its own
 * work folder and resumes from it when run again.
 */
record FrappeClusterAuc(Path dataRoot, Path workDir, long seed, int epochs, int parameterServers, int workers) {
  /**
   * Test metrics in one process and on the cluster each way, the synchronous run's unsplit checkpoint's
   * test AUC, and the partitions it trained.
   */
  record Result(TrainingMetrics single, TrainingMetrics asynchronous, TrainingMetrics synchronous,
      double unsplitTestAuc, List<TablePartitions.Partition> partitions, String protocol) {}

  /** A cluster run's test metrics, its unsplit checkpoint's test AUC, and its table partitions. */
  private record ClusterRun(TrainingMetrics metrics, double unsplitTestAuc, List<TablePartitions.Partition> partitions) {}

  Result run() throws Exception {
    FrappeQuality quality = new FrappeQuality();
    new CommandLine(quality).parseArgs(Presets.DLF_PAPER, "--seeds", Long.toString(seed), "--max-epochs",
        Integer.toString(epochs), "--data-root", dataRoot.toString(), "--work-dir", workDir.toString());
    QualityDataset dataset = QualityDataset.of(Presets.DLF_PAPER);
    ModelSpec spec = quality.spec(Presets.DLF_PAPER, dataset);
    PreparedData data = quality.prepare(spec, dataset);
    TrainingOptions options = quality.options(Presets.DLF_PAPER, seed);
    Trainer trainer = new Trainer(FrappeQuality.sessionConfig());
    String run = "seed" + seed + "-epochs" + epochs;

    System.out.println("== Frappe " + Presets.DLF_PAPER + " in one process, " + run);
    TrainingMetrics single = trainer.train(spec, data, options, workDir.resolve("single-" + run), printer(),
        StopSignal.NEVER).metrics().orElseThrow();
    System.out.printf(Locale.ROOT, "  test AUC %.4f%n", single.getTest().getAuc());
    ClusterRun asynchronous = onCluster(trainer, spec, data, options, run, false);
    ClusterRun synchronous = onCluster(trainer, spec, data, options, run, true);
    return new Result(single, asynchronous.metrics(), synchronous.metrics(), synchronous.unsplitTestAuc(),
        synchronous.partitions(), FrappeQuality.PROTOCOL);
  }

  private ClusterRun onCluster(Trainer trainer, ModelSpec spec, PreparedData data, TrainingOptions options, String run,
      boolean synchronous) throws Exception {
    String mode = synchronous ? "synchronous" : "asynchronous";
    System.out.println("== Frappe " + Presets.DLF_PAPER + " on " + workers + " workers and " + parameterServers
        + " parameter servers, " + mode + ", " + run);
    Path clusterDir = workDir.resolve("cluster-" + workers + "w" + parameterServers + "ps-" + (synchronous ? "sync-" : "")
        + run);
    try (ClusterTasks tasks = ClusterTasks.start(parameterServers, workers, clusterDir.resolve("tasks"),
        WorkerThroughput.READY_WITHIN, Set.of(), lost -> System.err.println("lost: " + lost))) {
      try {
        ClusterReplicas replicas = new ClusterReplicas(tasks.layout(), WorkerThroughput.OPERATION_TIMEOUT, synchronous);
        TrainingOutcome outcome = trainer.train(spec, data, options, clusterDir, printer(), StopSignal.NEVER, replicas);
        TrainingMetrics metrics = outcome.metrics().orElseThrow();
        System.out.printf(Locale.ROOT, "  test AUC %.4f (on the cluster)%n", metrics.getTest().getAuc());
        List<TablePartitions.Partition> partitions = partitions(replicas, spec, data, options, outcome.bestCheckpoint());
        String unsplit = trainer.unsplit(spec, data, options, tasks.layout(), outcome.bestCheckpoint());
        double unsplitAuc = Metrics.auc(labels(data), trainer.predict(spec, data, data.test(), unsplit, options));
        System.out.printf(Locale.ROOT, "  test AUC %.4f (its unsplit checkpoint, in this process)%n", unsplitAuc);
        return new ClusterRun(metrics, unsplitAuc, partitions);
      } catch (RuntimeException e) {
        throw tasks.explain(e);
      }
    }
  }

  /** The best checkpoint's table partitions, read back through the last worker's session. */
  private static List<TablePartitions.Partition> partitions(ClusterReplicas replicas, ModelSpec spec,
      PreparedData data, TrainingOptions options, String checkpoint) {
    List<Replica> opened = replicas.open(ModelPlan.of(spec), data.layout(), options.seed(), options.optimizer(),
        FrappeQuality.sessionConfig());
    try {
      opened.get(0).session().restore(checkpoint);
      return TablePartitions.read(opened.get(opened.size() - 1));
    } finally {
      for (int k = opened.size() - 1; k >= 0; k--) {
        opened.get(k).close();
      }
    }
  }

  private static float[] labels(PreparedData data) {
    float[] labels = new float[Math.toIntExact(data.test().size())];
    int from = 0;
    try (BatchStream batches = data.test().inOrder(8192)) {
      for (LabeledBatch b = batches.next(); b != null; b = batches.next()) {
        System.arraycopy(b.labels(), 0, labels, from, b.labels().length);
        from += b.labels().length;
      }
    } catch (Exception e) {
      throw new IllegalStateException("reading the test labels failed", e);
    }
    return labels;
  }

  private static TrainingListener printer() {
    return new TrainingListener() {
      @Override
      public void onProgress(int epoch, int step, int steps, double loss, double samplesPerSecond,
          List<Double> perWorker) {
        System.out.printf(Locale.ROOT, "  epoch %d step %d/%d: %,.0f samples/s, per worker %s%n", epoch, step, steps,
            samplesPerSecond, perWorker.stream().map(s -> String.format(Locale.ROOT, "%,.0f", s)).toList());
      }

      @Override
      public void onEpoch(EpochMetrics m, boolean improved) {
        System.out.printf(Locale.ROOT, "  epoch %d: train loss %.4f, val AUC %.4f logloss %.4f, lr %.0e, %.0fs%s%n",
            m.getEpoch(), m.getTrainLoss(), m.getValidation().getAuc(), m.getValidation().getLogloss(),
            m.getLearningRate(), m.getSeconds(), improved ? " *" : "");
      }
    };
  }
}
