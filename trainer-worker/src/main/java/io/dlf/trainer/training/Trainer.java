package io.dlf.trainer.training;

import io.dlf.dsl.compile.BatchTensors;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.compile.TrainingGraph;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.proto.model.v1.EpochMetrics;
import io.dlf.proto.model.v1.EvaluationMetrics;
import io.dlf.proto.model.v1.TrainingMetrics;
import io.dlf.proto.train.v1.TrainingState;
import io.dlf.trainer.encode.BatchStream;
import io.dlf.trainer.encode.EncodedSplit;
import io.dlf.trainer.encode.LabeledBatch;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.encode.SplitPredictions;
import io.dlf.trainer.job.TrainingOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
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
   * Trains {@code spec} on {@code data}, keeping state in {@code workDir}.
   *
   * @throws CancellationException if {@code stop} asked to cancel
   * @throws TrainingDivergedException if the loss became NaN or infinite
   */
  public TrainingOutcome train(ModelSpec spec, PreparedData data, TrainingOptions options, Path workDir,
      TrainingListener listener, StopSignal stop) throws IOException {
    CheckpointStore store = new CheckpointStore(workDir);
    TrainingState state = store.load().orElseGet(() -> TrainingState.newBuilder()
        .setFormatVersion(CheckpointStore.FORMAT_VERSION)
        .setSeed(options.seed())
        .setEpoch(1)
        .setLearningRate(options.learningRate())
        .build());
    try (TrainingGraph graph = TrainingGraph.build(ModelPlan.of(spec), data.layout(), state.getSeed(), options.optimizer());
        Session session = new Session(graph.graph(), sessionConfig(options))) {
      if (state.getLastCheckpoint().isEmpty()) {
        session.initialize();
      } else {
        session.restore(store.absolute(state.getLastCheckpoint()));
      }
      return new Run(graph, session, data, options, store, listener, stop, state.toBuilder()).execute();
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

  /** One run's mutable progress. */
  private static final class Run {
    private final TrainingGraph graph;
    private final Session session;
    private final PreparedData data;
    private final TrainingOptions options;
    private final CheckpointStore store;
    private final TrainingListener listener;
    private final StopSignal stop;
    private final TrainingState.Builder state;

    Run(TrainingGraph graph, Session session, PreparedData data, TrainingOptions options, CheckpointStore store,
        TrainingListener listener, StopSignal stop, TrainingState.Builder state) {
      this.graph = graph;
      this.session = session;
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

    /** Trains the rest of the epoch from {@code batches}; false if paused. */
    private boolean trainEpoch(int epoch, int steps, BatchStream batches) throws IOException {
      long epochStart = System.nanoTime();
      double windowLoss = 0;
      int windowSteps = 0;
      long windowSamples = 0;
      double windowSeconds = 0;
      double epochLoss = 0;
      for (int step = state.getStepInEpoch(); step < steps; step++) {
        StopSignal.Request request = stop.poll();
        if (request == StopSignal.Request.CANCEL) {
          throw new CancellationException("cancelled at epoch " + epoch + ", step " + step);
        }
        if (request == StopSignal.Request.PAUSE) {
          state.setStepInEpoch(step).setLastCheckpoint(store.save(session, "epoch-" + epoch + "-step-" + step));
          store.commit(state.build());
          return false;
        }
        long start = System.nanoTime();
        LabeledBatch batch = batches.next();
        if (batch == null) {
          throw new IllegalStateException("the training split ended at step " + step + " of " + steps);
        }
        double loss = trainStep(batch);
        double seconds = (System.nanoTime() - start) / 1e9;
        int samples = batch.labels().length;
        if (!Double.isFinite(loss)) {
          throw new TrainingDivergedException("the training loss became " + loss + " at epoch " + epoch + ", step "
              + (step + 1) + "; lower the learning rate or add regularization");
        }
        state.setTrainSeconds(state.getTrainSeconds() + seconds).setTrainSamples(state.getTrainSamples() + samples);
        epochLoss += loss;
        windowLoss += loss;
        windowSteps++;
        windowSamples += samples;
        windowSeconds += seconds;
        if (windowSteps == options.progressEverySteps() || step == steps - 1) {
          listener.onProgress(epoch, step + 1, steps, windowLoss / windowSteps, windowSamples / windowSeconds);
          windowLoss = 0;
          windowSteps = 0;
          windowSamples = 0;
          windowSeconds = 0;
        }
      }
      int trainedSteps = steps - state.getStepInEpoch();
      finishEpoch(epoch, trainedSteps > 0 ? epochLoss / trainedSteps : Double.NaN, (System.nanoTime() - epochStart) / 1e9);
      return true;
    }

    private double trainStep(LabeledBatch batch) {
      try (BatchTensors inputs = new BatchTensors(data.layout(), batch.inputs());
          TFloat32 labels = TFloat32.vectorOf(batch.labels());
          TFloat32 rate = TFloat32.scalarOf((float) state.getLearningRate());
          Result r = inputs.feedByName(session.runner())
              .feed(graph.labels(), labels)
              .feed(graph.learningRate(), rate)
              .addTarget(graph.trainStep())
              .fetch(graph.logLoss())
              .run()) {
        return ((TFloat32) r.get(0)).getFloat();
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
