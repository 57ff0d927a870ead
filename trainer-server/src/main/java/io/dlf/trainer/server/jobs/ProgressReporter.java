package io.dlf.trainer.server.jobs;

import io.dlf.proto.train.v1.TrainingProgress;
import io.dlf.proto.trainer.v1.Progress;
import io.dlf.trainer.job.TrainingOptions;

/** Passes a worker's progress reports on to the job (and so to its watchers) and to the server's counters. */
final class ProgressReporter {
  private final JobRecord job;
  private final JobRegistry registry;
  private final TrainingOptions options;
  private final long trainRows;
  private long lastSamples = -1;
  private long lastSteps;

  ProgressReporter(JobRecord job, JobRegistry registry, TrainingOptions options, long trainRows) {
    this.job = job;
    this.registry = registry;
    this.options = options;
    this.trainRows = trainRows;
  }

  void onProgress(TrainingProgress report) {
    int epoch = report.getEpoch();
    int step = report.getStep();
    long steps = (long) (epoch - 1) * report.getStepsPerEpoch() + step;
    long samples = samplesThrough(epoch, step);
    if (lastSamples < 0) {
      // The first report of this run covers at most one reporting window (less right after a resume).
      lastSteps = steps - Math.min(step, options.progressEverySteps());
      lastSamples = samplesThrough(epoch, (int) (lastSteps - (long) (epoch - 1) * report.getStepsPerEpoch()));
    }
    long windowSteps = steps - lastSteps;
    long windowSamples = samples - lastSamples;
    lastSteps = steps;
    lastSamples = samples;
    double stepsPerSecond = windowSamples > 0 ? windowSteps * report.getSamplesPerSecond() / windowSamples : 0;
    Progress progress = Progress.newBuilder()
        .setEpoch(epoch)
        .setMaxEpochs(options.maxEpochs())
        .setStep(step)
        .setStepsPerEpoch(report.getStepsPerEpoch())
        .setLoss(report.getLoss())
        .setSamplesPerSecond(report.getSamplesPerSecond())
        .setStepsPerSecond(stepsPerSecond)
        .addAllWorkerSamplesPerSecond(report.getWorkerSamplesPerSecondList())
        .build();
    registry.recordTraining(job.id(), windowSteps, windowSamples, progress);
    job.progress(progress);
  }

  /** Training rows seen from the start of the run to {@code step} of {@code epoch}. */
  private long samplesThrough(int epoch, int step) {
    return (long) (epoch - 1) * trainRows + Math.min((long) step * options.batchSize(), trainRows);
  }
}
