package io.dlf.trainer.server.jobs;

import io.dlf.proto.model.v1.EpochMetrics;
import io.dlf.proto.trainer.v1.Progress;
import io.dlf.trainer.training.TrainingListener;
import io.dlf.trainer.training.TrainingOptions;

/** Passes the training loop's reports on to the job (and so to its watchers) and to the server's counters. */
final class ProgressReporter implements TrainingListener {
  private final LiveJob job;
  private final JobRegistry registry;
  private final TrainingOptions options;
  private final int trainRows;
  private long lastSamples = -1;
  private long lastSteps;

  ProgressReporter(LiveJob job, JobRegistry registry, TrainingOptions options, int trainRows) {
    this.job = job;
    this.registry = registry;
    this.options = options;
    this.trainRows = trainRows;
  }

  @Override
  public void onProgress(int epoch, int step, int stepsPerEpoch, double loss, double samplesPerSecond) {
    long steps = (long) (epoch - 1) * stepsPerEpoch + step;
    long samples = samplesThrough(epoch, step);
    if (lastSamples < 0) {
      // The first report of this run covers at most one reporting window (less right after a resume).
      lastSteps = steps - Math.min(step, options.progressEverySteps());
      lastSamples = samplesThrough(epoch, (int) (lastSteps - (long) (epoch - 1) * stepsPerEpoch));
    }
    long windowSteps = steps - lastSteps;
    long windowSamples = samples - lastSamples;
    registry.recordTraining(windowSteps, windowSamples);
    lastSteps = steps;
    lastSamples = samples;
    double stepsPerSecond = windowSamples > 0 ? windowSteps * samplesPerSecond / windowSamples : 0;
    job.progress(Progress.newBuilder()
        .setEpoch(epoch)
        .setMaxEpochs(options.maxEpochs())
        .setStep(step)
        .setStepsPerEpoch(stepsPerEpoch)
        .setLoss(loss)
        .setSamplesPerSecond(samplesPerSecond)
        .setStepsPerSecond(stepsPerSecond)
        .build());
  }

  @Override
  public void onEpoch(EpochMetrics metrics, boolean improved) {
    job.epochEnded(metrics, improved);
  }

  /** Training rows seen from the start of the run to {@code step} of {@code epoch}. */
  private long samplesThrough(int epoch, int step) {
    return (long) (epoch - 1) * trainRows + Math.min((long) step * options.batchSize(), trainRows);
  }
}
