package io.dlf.trainer.job;

import static java.util.Objects.requireNonNull;

import io.dlf.dsl.plan.BatchSizes;
import io.dlf.dsl.training.OptimizerSettings;
import java.util.Locale;

/**
 * How to train, with the released DLF code's protocol as defaults: Adam at 1e-3, batch 10,000, up
 * to 100 epochs, validation every epoch on AUC - logloss, learning rate x0.1 on every epoch without
 * improvement (floor 1e-6), stop after 2 such epochs in a row, gradients clipped to norm 10, float32. Every
 * count has a maximum (trainer.proto states the same numbers); whether a batch size fits in memory
 * is the trainer's admission check.
 *
 * @param evalBatchSize batch size for validation and test predictions
 * @param progressEverySteps how often the listener hears about training steps
 * @param checkpointEveryEpochs how often the latest state is checkpointed (the best epoch always is)
 * @param precision the arithmetic of a training step
 */
public record TrainingOptions(
    int maxEpochs,
    int batchSize,
    int evalBatchSize,
    float learningRate,
    float minLearningRate,
    float decayFactor,
    int patience,
    Monitor monitor,
    long seed,
    OptimizerSettings optimizer,
    int progressEverySteps,
    int checkpointEveryEpochs,
    Precision precision) {

  /** Epochs, patience and checkpoint interval. */
  public static final int MAX_EPOCHS = 10_000;
  /** Training and evaluation batch sizes (the paper trains at 10,000). */
  public static final int MAX_BATCH_SIZE = 1_000_000;
  /** Steps between progress reports. */
  public static final int MAX_PROGRESS_EVERY_STEPS = 10_000_000;

  public TrainingOptions {
    requireNonNull(monitor, "monitor is null");
    requireNonNull(optimizer, "optimizer is null");
    requireNonNull(precision, "precision is null");
    checkCount("max_epochs", maxEpochs, MAX_EPOCHS);
    checkCount("batch_size", batchSize, MAX_BATCH_SIZE);
    checkCount("eval_batch_size", evalBatchSize, MAX_BATCH_SIZE);
    check(learningRate > 0 && Float.isFinite(learningRate), "learning_rate", learningRate, "a positive number");
    check(minLearningRate >= 0 && minLearningRate <= learningRate, "min_learning_rate", minLearningRate,
        "between 0 and learning_rate");
    check(decayFactor > 0 && decayFactor <= 1, "decay_factor", decayFactor, "in (0, 1]");
    checkCount("patience", patience, MAX_EPOCHS);
    checkCount("progress_every_steps", progressEverySteps, MAX_PROGRESS_EVERY_STEPS);
    checkCount("checkpoint_every_epochs", checkpointEveryEpochs, MAX_EPOCHS);
    check(optimizer.microBatches() <= batchSize, "micro_batches", optimizer.microBatches(),
        "at most batch_size (" + batchSize + ")");
  }

  private static void checkCount(String field, int value, int max) {
    check(value >= 1, field, value, "at least 1");
    check(value <= max, field, value, String.format(Locale.ROOT, "at most %,d", max));
  }

  private static void check(boolean ok, String field, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException("training." + field + ": " + value + " must be " + expected);
    }
  }

  /** The batch sizes the job's memory follows (see {@link io.dlf.dsl.plan.ResourceEstimate}). */
  public BatchSizes batchSizes() {
    return new BatchSizes(batchSize, optimizer.microBatches(), evalBatchSize);
  }

  public static TrainingOptions defaults() {
    return new TrainingOptions(100, 10_000, 50_000, 1e-3f, 1e-6f, 0.1f, 2, Monitor.AUC_MINUS_LOGLOSS, 2019L,
        OptimizerSettings.defaults(), 1, 1, Precision.FLOAT32);
  }

  public TrainingOptions maxEpochs(int value) {
    return new TrainingOptions(value, batchSize, evalBatchSize, learningRate, minLearningRate, decayFactor, patience,
        monitor, seed, optimizer, progressEverySteps, checkpointEveryEpochs, precision);
  }

  public TrainingOptions batchSize(int value) {
    return new TrainingOptions(maxEpochs, value, evalBatchSize, learningRate, minLearningRate, decayFactor, patience,
        monitor, seed, optimizer, progressEverySteps, checkpointEveryEpochs, precision);
  }

  public TrainingOptions evalBatchSize(int value) {
    return new TrainingOptions(maxEpochs, batchSize, value, learningRate, minLearningRate, decayFactor, patience,
        monitor, seed, optimizer, progressEverySteps, checkpointEveryEpochs, precision);
  }

  public TrainingOptions learningRate(float value) {
    return new TrainingOptions(maxEpochs, batchSize, evalBatchSize, value, Math.min(minLearningRate, value),
        decayFactor, patience, monitor, seed, optimizer, progressEverySteps, checkpointEveryEpochs, precision);
  }

  public TrainingOptions patience(int value) {
    return new TrainingOptions(maxEpochs, batchSize, evalBatchSize, learningRate, minLearningRate, decayFactor, value,
        monitor, seed, optimizer, progressEverySteps, checkpointEveryEpochs, precision);
  }

  public TrainingOptions monitor(Monitor value) {
    return new TrainingOptions(maxEpochs, batchSize, evalBatchSize, learningRate, minLearningRate, decayFactor, patience,
        value, seed, optimizer, progressEverySteps, checkpointEveryEpochs, precision);
  }

  public TrainingOptions seed(long value) {
    return new TrainingOptions(maxEpochs, batchSize, evalBatchSize, learningRate, minLearningRate, decayFactor, patience,
        monitor, value, optimizer, progressEverySteps, checkpointEveryEpochs, precision);
  }

  public TrainingOptions optimizer(OptimizerSettings value) {
    return new TrainingOptions(maxEpochs, batchSize, evalBatchSize, learningRate, minLearningRate, decayFactor, patience,
        monitor, seed, value, progressEverySteps, checkpointEveryEpochs, precision);
  }

  /** The batch differentiated in {@code value} consecutive parts, one after another (see {@link OptimizerSettings}). */
  public TrainingOptions microBatches(int value) {
    return optimizer(optimizer.microBatches(value));
  }

  public TrainingOptions progressEverySteps(int value) {
    return new TrainingOptions(maxEpochs, batchSize, evalBatchSize, learningRate, minLearningRate, decayFactor, patience,
        monitor, seed, optimizer, value, checkpointEveryEpochs, precision);
  }

  public TrainingOptions checkpointEveryEpochs(int value) {
    return new TrainingOptions(maxEpochs, batchSize, evalBatchSize, learningRate, minLearningRate, decayFactor, patience,
        monitor, seed, optimizer, progressEverySteps, value, precision);
  }

  public TrainingOptions precision(Precision value) {
    return new TrainingOptions(maxEpochs, batchSize, evalBatchSize, learningRate, minLearningRate, decayFactor, patience,
        monitor, seed, optimizer, progressEverySteps, checkpointEveryEpochs, value);
  }
}
