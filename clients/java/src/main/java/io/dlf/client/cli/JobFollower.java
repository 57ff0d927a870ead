package io.dlf.client.cli;

import io.dlf.client.DlfException;
import io.dlf.client.JobWatch;
import io.dlf.client.TrainerClient;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobState;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Follows one job to its end for {@code train --watch} and {@code jobs watch}: prints its events,
 * leaves it running on Ctrl-C (or cancels it with {@code --cancel-on-exit}), and when it ends
 * writes its record, training curves and test ROC curve into a results folder.
 */
final class JobFollower {
  private final TrainerClient trainer;
  private final PrintWriter out;
  private final Interrupts interrupts;
  private final WatchOptions options;

  JobFollower(TrainerClient trainer, PrintWriter out, Interrupts interrupts, WatchOptions options) {
    this.trainer = trainer;
    this.out = out;
    this.interrupts = interrupts;
    this.options = options;
  }

  /** Returns the exit code: 0 when the job succeeded. */
  int follow(String jobId) throws InterruptedException, IOException {
    ProgressPrinter printer = new ProgressPrinter(out, System.console() != null);
    AtomicBoolean interrupted = new AtomicBoolean();
    JobWatch watch = trainer.watch(jobId, printer);
    Interrupts.Registration registration = interrupts.onInterrupt(() -> {
      interrupted.set(true);
      printer.endLine();
      leave(jobId);
      watch.close();
    });
    try {
      watch.await();
    } catch (DlfException e) {
      if (interrupted.get()) {
        return Dlfctl.INTERRUPTED;
      }
      throw e;
    } finally {
      registration.close();
      watch.close();
    }
    printer.endLine();
    Job job = trainer.job(jobId);
    out.println("job " + jobId + " " + job.getState()
        + (job.getState() == JobState.FAILED ? ": " + Jobs.failure(job.getFailure()) : ""));
    writeResults(job);
    out.flush();
    return job.getState() == JobState.SUCCEEDED ? 0 : Dlfctl.FAILED;
  }

  private void leave(String jobId) {
    if (options.cancelOnExit) {
      Job job = trainer.cancel(jobId);
      out.println("cancelled job " + jobId + " (--cancel-on-exit): " + job.getState());
    } else {
      out.println("detached from job " + jobId + "; it keeps running on the trainer at " + trainer.target()
          + ". Follow it again with: dlfctl jobs watch " + jobId + "; stop it with: dlfctl jobs cancel " + jobId);
    }
    out.flush();
  }

  private void writeResults(Job job) throws IOException {
    Path dir = options.results.resolve(job.getId());
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("job.json"), Jobs.json(job));
    out.println("job record: " + dir.resolve("job.json"));
    if (job.getEpochsCount() == 0) {
      out.println("no epoch finished, so no training curves");
    } else {
      out.println("training curves: " + TrainingCurves.write(job, dir));
    }
    if (!job.hasMetrics()) {
      out.println("no test metrics, so no ROC curve");
    } else if (job.getMetrics().getTest().getRocCount() == 0) {
      out.println("no ROC curve: the job's test metrics carry no ROC points");
    } else {
      out.println("ROC curve: " + RocCurve.write(job, dir));
    }
  }
}
