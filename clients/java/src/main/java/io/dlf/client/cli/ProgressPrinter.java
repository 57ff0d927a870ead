package io.dlf.client.cli;

import io.dlf.proto.model.v1.EpochMetrics;
import io.dlf.proto.trainer.v1.EpochEnded;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobEvent;
import io.dlf.proto.trainer.v1.JobResult;
import io.dlf.proto.trainer.v1.PreparationProgress;
import io.dlf.proto.trainer.v1.Progress;
import io.dlf.proto.trainer.v1.RunPhase;
import io.dlf.proto.trainer.v1.StateTransition;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Prints a job's events as a person follows them: state changes, a progress line (rewritten in
 * place on a terminal, one line per report otherwise), each epoch's validation, and the result.
 */
final class ProgressPrinter implements Consumer<JobEvent> {
  private final PrintWriter out;
  private final boolean live;
  private boolean progressShown;

  ProgressPrinter(PrintWriter out, boolean live) {
    this.out = out;
    this.live = live;
  }

  @Override
  public synchronized void accept(JobEvent event) {
    switch (event.getEventCase()) {
      case SNAPSHOT -> line(snapshot(event.getSnapshot()));
      case STATE_CHANGED -> line(transition(event.getStateChanged()));
      case PROGRESS -> progress(progressLine(event.getProgress()));
      case PREPARATION -> progress(preparationLine(event.getPreparation()));
      case EPOCH_ENDED -> line(epoch(event.getEpochEnded()));
      case RESULT -> line(result(event.getResult()));
      case EVENT_NOT_SET -> { }
    }
  }

  /** Ends a progress line left open, so what follows starts on its own line. */
  synchronized void endLine() {
    if (progressShown) {
      out.println();
      out.flush();
      progressShown = false;
    }
  }

  private void line(String text) {
    endLine();
    out.println(text);
    out.flush();
  }

  private void progress(String text) {
    if (live) {
      out.print("\r" + text + "   ");
      progressShown = true;
    } else {
      out.println(text);
    }
    out.flush();
  }

  static String progressLine(Progress p) {
    double stepsLeft = (double) (p.getMaxEpochs() - p.getEpoch()) * p.getStepsPerEpoch()
        + (p.getStepsPerEpoch() - p.getStep());
    String eta = p.getStepsPerSecond() > 0 ? Durations.clock(stepsLeft / p.getStepsPerSecond()) : "?";
    return String.format(Locale.ROOT, "epoch %d/%d  step %d/%d  loss %.4f  %,.0f samples/s  ETA %s",
        p.getEpoch(), p.getMaxEpochs(), p.getStep(), p.getStepsPerEpoch(), p.getLoss(), p.getSamplesPerSecond(), eta);
  }

  static String preparationLine(PreparationProgress p) {
    if (p.getStage() == PreparationProgress.Stage.GENERATING) {
      return String.format(Locale.ROOT, "preparing data: generating %s  %,d rows  %,.0f rows/s  %,.1f MB written",
          p.getSplit(), p.getRows(), p.getRowsPerSecond(), p.getGeneratedBytes() / 1e6);
    }
    String stage = p.getStage() == PreparationProgress.Stage.VOCABULARIES ? "counting vocabularies" : "writing shards";
    return String.format(Locale.ROOT, "preparing data: %s of %s  %,d rows  %,.0f rows/s  %,.1f MB of shards",
        stage, p.getSplit(), p.getRows(), p.getRowsPerSecond(), p.getShardBytes() / 1e6);
  }

  private static String snapshot(Job job) {
    return "job " + job.getId() + ": " + state(job.getState().name(), job.getPhase()) + ", model " + job.getModelName()
        + (job.getDevice().isEmpty() ? "" : " on " + job.getDevice());
  }

  private static String transition(StateTransition t) {
    String text = state(t.getState().name(), t.getPhase());
    if (t.hasFailure()) {
      text += ": " + Jobs.failure(t.getFailure());
    } else if (!t.getMessage().isEmpty()) {
      text += ": " + t.getMessage();
    }
    return text;
  }

  private static String state(String state, RunPhase phase) {
    return phase == RunPhase.RUN_PHASE_UNSPECIFIED ? state : state + " (" + phase.name().toLowerCase(Locale.ROOT)
        .replace('_', ' ') + ")";
  }

  private static String epoch(EpochEnded ended) {
    EpochMetrics m = ended.getMetrics();
    return String.format(Locale.ROOT, "epoch %d: train loss %.4f  validation AUC %.4f  logloss %.4f  (%.0f s)%s",
        m.getEpoch(), m.getTrainLoss(), m.getValidation().getAuc(), m.getValidation().getLogloss(), m.getSeconds(),
        ended.getImproved() ? "  best so far" : "");
  }

  private static String result(JobResult r) {
    return String.format(Locale.ROOT, "test AUC %.4f  logloss %.4f  (best epoch %d of %d); exported %s version %d",
        r.getMetrics().getTest().getAuc(), r.getMetrics().getTest().getLogloss(), r.getMetrics().getBestEpoch(),
        r.getMetrics().getEpochsRun(), r.getModelName(), r.getVersion());
  }
}
