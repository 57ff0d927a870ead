package io.dlf.client.cli;

import io.dlf.client.TrainerClient;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobState;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dlfctl jobs list|get|watch|cancel|retry-export}. */
@Command(name = "jobs", description = "List, show, watch and cancel training jobs; retry a failed export.")
final class JobsCommand {
  private final Interrupts interrupts;

  @Spec
  CommandSpec spec;

  JobsCommand(Interrupts interrupts) {
    this.interrupts = interrupts;
  }

  @Command(name = "list", description = "Jobs, newest first.")
  void list(@Mixin TrainerOptions trainer,
      @Option(names = "--state", split = ",", paramLabel = "STATE", description = "Only jobs in these states: ${COMPLETION-CANDIDATES}.")
      List<JobState> states) {
    PrintWriter out = out();
    try (TrainerClient client = trainer.client()) {
      List<Job> jobs = client.jobs(states == null ? new JobState[0] : states.toArray(JobState[]::new));
      out.println(Jobs.header());
      jobs.forEach(job -> out.println(Jobs.row(job)));
    }
  }

  @Command(name = "get", description = "One job: state, progress, metrics, as JSON.")
  void get(@Mixin TrainerOptions trainer, @Parameters(paramLabel = "JOB_ID") String jobId) {
    try (TrainerClient client = trainer.client()) {
      out().println(Jobs.json(client.job(jobId)));
    }
  }

  @Command(name = "watch",
      description = "Follow a job until it ends; Ctrl-C stops watching without cancelling it.")
  int watch(@Mixin TrainerOptions trainer, @Mixin WatchOptions watch, @Parameters(paramLabel = "JOB_ID") String jobId)
      throws InterruptedException, IOException {
    try (TrainerClient client = trainer.client()) {
      return new JobFollower(client, out(), interrupts, watch).follow(jobId);
    }
  }

  @Command(name = "cancel",
      description = "Cancel a job: a queued one at once, a running one at its next step.")
  void cancel(@Mixin TrainerOptions trainer, @Parameters(paramLabel = "JOB_ID") String jobId) {
    try (TrainerClient client = trainer.client()) {
      out().println("job " + jobId + ": " + client.cancel(jobId).getState());
    }
  }

  @Command(name = "retry-export",
      description = "Export again the trained model of a job whose export failed (no room in the model "
          + "repository, a folder the trainer may not write), once the cause is fixed.")
  void retryExport(@Mixin TrainerOptions trainer, @Parameters(paramLabel = "JOB_ID") String jobId) {
    try (TrainerClient client = trainer.client()) {
      out().println("job " + jobId + ": " + client.retryExport(jobId).getState() + "; follow it with: dlfctl jobs "
          + "watch " + jobId);
    }
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }
}
