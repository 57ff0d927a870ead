package io.dlf.trainer.training;

import io.dlf.dsl.cluster.ClusterLayout;
import io.dlf.dsl.compile.BatchTensors;
import io.dlf.dsl.compile.Placement;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.compile.TowerFeeds;
import io.dlf.dsl.compile.TrainingGraph;
import io.dlf.dsl.compile.UnsplitCheckpoint;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.proto.model.v1.EpochMetrics;
import io.dlf.proto.model.v1.EvaluationMetrics;
import io.dlf.proto.model.v1.TrainingMetrics;
import io.dlf.proto.train.v1.TrainingState;
import io.dlf.server.NamedThreads;
import io.dlf.trainer.encode.BatchStream;
import io.dlf.trainer.encode.EncodedSplit;
import io.dlf.trainer.encode.LabeledBatch;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.encode.SplitPredictions;
import io.dlf.trainer.job.TrainingOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * The training loop: shuffled mini-batches, validation after every epoch, learning-rate decay on
 * plateau, early stopping, checkpoints, and the final evaluation of the best checkpoint on
 * validation and test. A run resumes from its work folder's state where a previous one stopped,
 * including mid-epoch after a pause.
 */
public final class Trainer {
  private final ConfigProto sessionConfig;

  public Trainer(ConfigProto sessionConfig) {
    this.sessionConfig = sessionConfig;
  }

  /** The session settings with the precision {@code options} ask for. */
  private ConfigProto sessionConfig(TrainingOptions options) {
    return switch (options.precision()) {
      case FLOAT32 -> sessionConfig;
      case BFLOAT16 -> SessionConfigs.mixedBfloat16(sessionConfig);
    };
  }

  /**
   * Trains {@code spec} on {@code data} in this process, keeping state in {@code workDir}.
   *
   * @throws CancellationException if {@code stop} asked to cancel
   * @throws TrainingDivergedException if the loss became NaN or infinite
   */
  public TrainingOutcome train(ModelSpec spec, PreparedData data, TrainingOptions options, Path workDir,
      TrainingListener listener, StopSignal stop) throws IOException {
    return train(spec, data, options, workDir, listener, stop, Replicas.IN_PROCESS);
  }

  /**
   * Trains {@code spec} on {@code data} on {@code replicas}, keeping state in {@code workDir}. A
   * replica with several training towers (synchronous training on a cluster) takes each batch whole,
   * a part per tower, and applies the batch's gradients once. With
   * several replicas training is asynchronous, as in TensorFlow's parameter-server training: each
   * replica takes the epoch's next batch as soon as its previous step is done and applies its
   * gradients to the shared variables without waiting for the others. The batches are drawn in the
   * epoch's order from one stream, so a pause after {@code s} batches resumes at batch {@code s} as
   * in one process, and a slower worker takes fewer batches instead of holding up the epoch's end.
   */
  public TrainingOutcome train(ModelSpec spec, PreparedData data, TrainingOptions options, Path workDir,
      TrainingListener listener, StopSignal stop, Replicas replicas) throws IOException {
    CheckpointStore store = new CheckpointStore(workDir);
    TrainingState state = store.load().orElseGet(() -> TrainingState.newBuilder()
        .setFormatVersion(CheckpointStore.FORMAT_VERSION)
        .setSeed(options.seed())
        .setEpoch(1)
        .setLearningRate(options.learningRate())
        .build());
    try (Closeables opened = new Closeables(replicas.open(ModelPlan.of(spec), data.layout(), state.getSeed(),
        options.optimizer(), sessionConfig(options)))) {
      Session chief = opened.replicas().get(0).session();
      if (state.getLastCheckpoint().isEmpty()) {
        chief.initialize();
      } else {
        chief.restore(store.absolute(state.getLastCheckpoint()));
      }
      return new Run(opened.replicas(), data, options, store, listener, stop, state.toBuilder()).execute();
    }
  }

  /** Closes every replica, the chief's last. */
  private record Closeables(List<Replica> replicas) implements AutoCloseable {
    @Override
    public void close() {
      for (int i = replicas.size() - 1; i >= 0; i--) {
        replicas.get(i).close();
      }
    }
  }

  /**
   * The probabilities a checkpoint of {@code spec} gives every row of {@code split}, in row order,
   * computed as the trainer's own evaluation does: on the encoded rows, through the training graph.
   */
  public float[] predict(ModelSpec spec, PreparedData data, EncodedSplit split, String checkpoint,
      TrainingOptions options) {
    try (TrainingGraph graph = TrainingGraph.build(ModelPlan.of(spec), data.layout(), options.seed(), options.optimizer());
        Session session = new Session(graph.graph(), sessionConfig(options))) {
      session.restore(checkpoint);
      return predict(session, graph, data, split, options.evalBatchSize()).probabilities();
    }
  }

  /**
   * Writes {@code checkpoint}, taken on {@code cluster} (tables split across its parameter servers),
   * as the single-process checkpoint of the same model beside it, and returns that one's prefix: what
   * the export and {@link #predict} read.
   */
  public String unsplit(ModelSpec spec, PreparedData data, TrainingOptions options, ClusterLayout cluster,
      String checkpoint) {
    ModelPlan plan = ModelPlan.of(spec);
    try (TrainingGraph placed = TrainingGraph.build(plan, data.layout(), options.seed(), options.optimizer(),
            Placement.onCluster(cluster, 0));
        TrainingGraph local = TrainingGraph.build(plan, data.layout(), options.seed(), options.optimizer());
        Session session = new Session(local.graph(), sessionConfig(options))) {
      session.initialize();
      String target = checkpoint + "-single-process";
      UnsplitCheckpoint.write(placed, local, session, checkpoint, target);
      return target;
    }
  }

  /** Probabilities for every row of {@code split}, in row order, with the rows' labels. */
  public static SplitPredictions predict(Session session, TrainingGraph graph, PreparedData data, EncodedSplit split,
      int batchSize) {
    return split.predictAll(batchSize, batch -> {
      try (BatchTensors inputs = new BatchTensors(data.layout(), batch);
          Result r = inputs.feedByName(session.runner()).fetch(graph.probability()).run()) {
        float[] p = new float[batch.size()];
        ((TFloat32) r.get(0)).asRawTensor().data().asFloats().read(p);
        return p;
      }
    });
  }

  /**
   * One training step of {@code replica} on {@code batch} at {@code learningRate}, the batch shared
   * out over the replica's training towers (workers, micro-batches) in consecutive parts; returns the
   * batch's loss.
   */
  public static double step(Replica replica, PreparedData data, LabeledBatch batch, double learningRate) {
    try (TowerFeeds feeds = new TowerFeeds(replica.graph(), data.layout(), batch.inputs(), batch.labels());
        TFloat32 rate = TFloat32.scalarOf((float) learningRate);
        Result r = feeds.feed(replica.session().runner())
            .feed(replica.graph().learningRate(), rate)
            .addTarget(replica.graph().trainStep())
            .fetch(replica.graph().logLoss())
            .run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }

  /** One run's mutable progress. */
  private static final class Run {
    private final List<Replica> replicas;
    private final TrainingGraph graph;
    private final Session session;
    private final PreparedData data;
    private final TrainingOptions options;
    private final CheckpointStore store;
    private final TrainingListener listener;
    private final StopSignal stop;
    private final TrainingState.Builder state;

    Run(List<Replica> replicas, PreparedData data, TrainingOptions options, CheckpointStore store,
        TrainingListener listener, StopSignal stop, TrainingState.Builder state) {
      this.replicas = replicas;
      // the chief's: it checkpoints and evaluates
      this.graph = replicas.get(0).graph();
      this.session = replicas.get(0).session();
      this.data = data;
      this.options = options;
      this.store = store;
      this.listener = listener;
      this.stop = stop;
      this.state = state;
    }

    TrainingOutcome execute() throws IOException {
      while (!state.getFinished()) {
        if (!trainEpoch()) {
          return TrainingOutcome.paused();
        }
      }
      session.restore(store.absolute(state.getBestCheckpoint()));
      SplitPredictions validationPredictions = predict(session, graph, data, data.validation(), options.evalBatchSize());
      EvaluationMetrics validation = Metrics.evaluate(validationPredictions.labels(),
          validationPredictions.probabilities());
      SplitPredictions testPredictions = predict(session, graph, data, data.test(), options.evalBatchSize());
      EvaluationMetrics test = Metrics.evaluateWithRoc(testPredictions.labels(), testPredictions.probabilities());
      TrainingMetrics metrics = TrainingMetrics.newBuilder()
          .setValidation(validation)
          .setTest(test)
          .setBestEpoch(state.getBestEpoch())
          .setEpochsRun(state.getHistoryCount())
          .setSeed(state.getSeed())
          .setWallSeconds(state.getTrainSeconds())
          .setTrainSamplesPerSecond(state.getTrainSeconds() > 0 ? state.getTrainSamples() / state.getTrainSeconds() : 0)
          .addAllHistory(state.getHistoryList())
          .setTrainingPrecision(options.precision().label())
          .build();
      listener.onFinish(metrics);
      return TrainingOutcome.completed(metrics, store.absolute(state.getBestCheckpoint()));
    }

    /** Trains the current epoch from where it stands; false if paused. */
    private boolean trainEpoch() throws IOException {
      int epoch = state.getEpoch();
      EncodedSplit train = data.train();
      int steps = Math.toIntExact((train.size() + options.batchSize() - 1) / options.batchSize());
      try (BatchStream batches = train.epoch(state.getSeed(), epoch, options.batchSize(), state.getStepInEpoch())) {
        return trainEpoch(epoch, steps, batches);
      }
    }

    /** Trains the rest of the epoch from {@code batches} on every replica; false if paused. */
    private boolean trainEpoch(int epoch, int steps, BatchStream batches) throws IOException {
      long epochStart = System.nanoTime();
      EpochSteps work = new EpochSteps(epoch, steps, batches);
      work.runOnEveryReplica();
      if (work.paused) {
        int step = work.nextStep;
        state.setStepInEpoch(step).setLastCheckpoint(store.save(session, "epoch-" + epoch + "-step-" + step));
        store.commit(state.build());
        return false;
      }
      int trainedSteps = steps - state.getStepInEpoch();
      finishEpoch(epoch, trainedSteps > 0 ? work.epochLoss / trainedSteps : Double.NaN,
          (System.nanoTime() - epochStart) / 1e9);
      return true;
    }

    private double trainStep(Replica replica, LabeledBatch batch) {
      return step(replica, data, batch, state.getLearningRate());
    }

    /**
     * The rest of one epoch: its batches handed out in order to the replicas, and what their steps
     * report added up. Replica 0 steps on the calling thread, the others each on a thread of their own.
     */
    private final class EpochSteps {
      private final int epoch;
      private final int steps;
      private final BatchStream batches;
      private final int firstStep;
      /** The next batch to hand out; after a pause, where the epoch resumes. */
      private int nextStep;
      private boolean stopped;
      private boolean paused;
      private int doneSteps;
      private double epochLoss;
      private double windowLoss;
      private int windowSteps;
      private long windowSamples;
      private double windowSeconds;
      /** Per worker task: a replica's towers are tasks {@code firstTask[replica]} on, in tower order. */
      private final int[] firstTask = new int[replicas.size() + 1];
      private final long[] taskSamples;
      private final double[] taskSeconds;

      EpochSteps(int epoch, int steps, BatchStream batches) {
        this.epoch = epoch;
        this.steps = steps;
        this.batches = batches;
        this.firstStep = state.getStepInEpoch();
        this.nextStep = firstStep;
        for (int r = 0; r < replicas.size(); r++) {
          TrainingGraph graph = replicas.get(r).graph();
          firstTask[r + 1] = firstTask[r] + graph.feeds().size() / graph.towersPerWorker();
        }
        this.taskSamples = new long[firstTask[replicas.size()]];
        this.taskSeconds = new double[taskSamples.length];
      }

      void runOnEveryReplica() {
        if (replicas.size() == 1) {
          train(0);
          return;
        }
        ExecutorService threads = Executors.newFixedThreadPool(replicas.size() - 1,
            NamedThreads.daemon("train-replica"));
        try {
          List<CompletableFuture<Void>> others = new ArrayList<>();
          for (int k = 1; k < replicas.size(); k++) {
            int replica = k;
            others.add(CompletableFuture.runAsync(() -> train(replica), threads));
          }
          RuntimeException failure = null;
          try {
            train(0);
          } catch (RuntimeException e) {
            failure = e;
          }
          for (CompletableFuture<Void> other : others) {
            try {
              other.join();
            } catch (CompletionException e) {
              RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : e;
              if (failure == null) {
                failure = cause;
              } else {
                failure.addSuppressed(cause);
              }
            }
          }
          if (failure != null) {
            throw failure;
          }
        } finally {
          threads.shutdown();
        }
      }

      /** Steps replica {@code k} until the epoch's batches run out, a stop is asked for, or a step fails. */
      private void train(int k) {
        try {
          while (true) {
            long start = System.nanoTime();
            LabeledBatch batch = next();
            if (batch == null) {
              return;
            }
            double loss = trainStep(replicas.get(k), batch);
            done(k, loss, batch.labels().length, (System.nanoTime() - start) / 1e9);
          }
        } catch (RuntimeException e) {
          stop();
          throw e;
        }
      }

      /** The next batch, or null when there is none to take (the epoch's end, a pause, another replica's failure). */
      private synchronized LabeledBatch next() {
        if (stopped || nextStep >= steps) {
          return null;
        }
        StopSignal.Request request = stop.poll();
        if (request == StopSignal.Request.CANCEL) {
          throw new CancellationException("cancelled at epoch " + epoch + ", step " + nextStep);
        }
        if (request == StopSignal.Request.PAUSE) {
          stopped = true;
          paused = true;
          return null;
        }
        LabeledBatch batch = batches.next();
        if (batch == null) {
          throw new IllegalStateException("the training split ended at step " + nextStep + " of " + steps);
        }
        nextStep++;
        return batch;
      }

      private synchronized void stop() {
        stopped = true;
      }

      /** Adds a finished step of replica {@code k}, and reports a window when it is full or the epoch is done. */
      private synchronized void done(int k, double loss, int samples, double seconds) {
        doneSteps++;
        int step = firstStep + doneSteps;
        if (!Double.isFinite(loss)) {
          throw new TrainingDivergedException("the training loss became " + loss + " at epoch " + epoch + ", step "
              + step + "; lower the learning rate or add regularization");
        }
        // the replicas step side by side: their busy time together, spread over them, is the time that passed
        double elapsed = seconds / replicas.size();
        state.setTrainSeconds(state.getTrainSeconds() + elapsed).setTrainSamples(state.getTrainSamples() + samples);
        epochLoss += loss;
        windowLoss += loss;
        windowSteps++;
        windowSamples += samples;
        windowSeconds += elapsed;
        // a replica's towers step together, each on its part of the batch, a worker's micro-batches in a row
        TrainingGraph graph = replicas.get(k).graph();
        int[] parts = TowerFeeds.partRows(samples, graph.feeds().size());
        for (int t = 0; t < parts.length; t++) {
          taskSamples[firstTask[k] + t / graph.towersPerWorker()] += parts[t];
        }
        for (int task = firstTask[k]; task < firstTask[k + 1]; task++) {
          taskSeconds[task] += seconds;
        }
        if (windowSteps == options.progressEverySteps() || step == steps) {
          List<Double> perTask = new ArrayList<>();
          for (int t = 0; t < taskSamples.length; t++) {
            perTask.add(taskSeconds[t] > 0 ? taskSamples[t] / taskSeconds[t] : 0);
          }
          listener.onProgress(epoch, step, steps, windowLoss / windowSteps, windowSamples / windowSeconds, perTask);
          windowLoss = 0;
          windowSteps = 0;
          windowSamples = 0;
          windowSeconds = 0;
          Arrays.fill(taskSamples, 0);
          Arrays.fill(taskSeconds, 0);
        }
      }
    }

    /** Validation, then improvement bookkeeping, learning-rate decay, early stopping and checkpoints. */
    private void finishEpoch(int epoch, double trainLoss, double seconds) throws IOException {
      SplitPredictions predictions = predict(session, graph, data, data.validation(), options.evalBatchSize());
      EvaluationMetrics validation = Metrics.evaluate(predictions.labels(), predictions.probabilities());
      double monitor = options.monitor().value(validation);
      boolean improved = state.getBestEpoch() == 0 || monitor >= state.getBestMonitor() + 1e-6;
      EpochMetrics metrics = EpochMetrics.newBuilder()
          .setEpoch(epoch)
          .setTrainLoss(trainLoss)
          .setValidation(validation)
          .setLearningRate(state.getLearningRate())
          .setSeconds(seconds)
          .build();
      state.addHistory(metrics).setEpoch(epoch + 1).setStepInEpoch(0);
      if (improved) {
        state.setBestMonitor(monitor).setBestEpoch(epoch).setEpochsWithoutImprovement(0);
      } else {
        state.setEpochsWithoutImprovement(state.getEpochsWithoutImprovement() + 1)
            .setLearningRate(Math.max(state.getLearningRate() * options.decayFactor(), options.minLearningRate()));
      }
      boolean finished = state.getEpochsWithoutImprovement() >= options.patience() || epoch >= options.maxEpochs();
      state.setFinished(finished);
      // The state is committed only with a checkpoint of the same moment, so a resume never
      // continues from weights older than the state says.
      if (improved || finished || epoch % options.checkpointEveryEpochs() == 0) {
        String checkpoint = store.save(session, "epoch-" + epoch);
        state.setLastCheckpoint(checkpoint);
        if (improved) {
          state.setBestCheckpoint(checkpoint);
        }
        store.commit(state.build());
      }
      listener.onEpoch(metrics, improved);
    }
  }
}
