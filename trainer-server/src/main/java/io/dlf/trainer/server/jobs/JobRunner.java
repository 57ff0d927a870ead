package io.dlf.trainer.server.jobs;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.dlf.dsl.export.ModelExporter;
import io.dlf.proto.model.v1.TrainingMetrics;
import io.dlf.proto.trainer.v1.DataSummary;
import io.dlf.proto.trainer.v1.JobFailure;
import io.dlf.trainer.data.DataPreparation;
import io.dlf.trainer.data.PreparedData;
import io.dlf.trainer.server.devices.Device;
import io.dlf.trainer.server.devices.DeviceSessionConfigs;
import io.dlf.trainer.server.scheduling.JobScheduler;
import io.dlf.trainer.server.store.JobStore;
import io.dlf.trainer.server.submit.JobPlan;
import io.dlf.trainer.server.submit.SubmissionValidator;
import io.dlf.trainer.training.StopSignal;
import io.dlf.trainer.training.Trainer;
import io.dlf.trainer.training.TrainingOutcome;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one job on its device: reads the data, trains (resuming from the job's checkpoints if it
 * ran before), and exports the best checkpoint as the next version of the model. The export is
 * keyed by the job id, so a job that runs again after a crash between export and record finds its
 * version instead of writing a second one.
 */
@Singleton
final class JobRunner {
  private static final Logger LOG = Logger.getLogger(JobRunner.class.getName());

  private final SubmissionValidator validator;
  private final DeviceSessionConfigs sessions;
  private final ModelExporter exporter;
  private final JobStore store;
  private final JobScheduler scheduler;
  private final JobRegistry registry;

  @Inject
  JobRunner(SubmissionValidator validator, DeviceSessionConfigs sessions, ModelExporter exporter, JobStore store,
      JobScheduler scheduler, JobRegistry registry) {
    this.validator = validator;
    this.sessions = sessions;
    this.exporter = exporter;
    this.store = store;
    this.scheduler = scheduler;
    this.registry = registry;
  }

  void run(LiveJob job, Device device) {
    if (!job.start(device)) {
      return;
    }
    try {
      execute(job, device);
    } catch (CancellationException e) {
      job.cancelled(e.getMessage());
    } catch (Exception | OutOfMemoryError e) {
      if (scheduler.draining() && Thread.currentThread().isInterrupted()) {
        // A shutdown that ran out of patience, not a fault of the job (reads fail when interrupted).
        job.requeue("interrupted by a trainer shutdown; resumes from its last checkpoint when the trainer starts "
            + "again");
        return;
      }
      JobFailure failure = JobFailures.of(e);
      if (failure.getKind() == JobFailure.Kind.INTERNAL) {
        LOG.log(Level.SEVERE, "job " + job.id() + " failed", e);
      }
      job.failed(failure);
    }
    if (LiveJob.terminal(job.snapshot().getState())) {
      deleteCheckpoints(job);
    }
  }

  private void execute(LiveJob job, Device device) throws IOException {
    // Checked again: the data may have changed while the job waited or the trainer was down.
    JobPlan plan = validator.validate(job.snapshot().getRequest());
    PreparedData data = DataPreparation.prepare(plan.spec(), plan.dataset().schema(), plan.dataset().splits(),
        plan.dataset().badRows());
    job.dataPrepared(DataSummary.newBuilder()
        .setTrainRows(data.train().size())
        .setValidationRows(data.validation().size())
        .setTestRows(data.test().size())
        .setSkippedRows(data.skippedRows())
        .build());
    if (job.cancelRequested()) {
      throw new CancellationException("cancelled while its data was read");
    }
    TrainingOutcome outcome = new Trainer(sessions.forDevice(device)).train(plan.spec(), data, plan.options(),
        store.workDir(job.id()), new ProgressReporter(job, registry, plan.options(), data.train().size()),
        stopSignal(job));
    if (!outcome.completed()) {
      job.requeue("paused by a trainer shutdown; resumes from its checkpoint when the trainer starts again");
      return;
    }
    TrainingMetrics metrics = outcome.metrics().orElseThrow();
    job.exporting();
    long version = exporter.export(new ModelExporter.Request(plan.modelName(), plan.spec(), data.vocabularies(),
        outcome.bestCheckpoint(), metrics, job.id(), plan.options().seed()));
    job.succeeded(version, metrics);
  }

  /** A cancel wins over a shutdown's pause: a cancelled job has nothing to resume. */
  private StopSignal stopSignal(LiveJob job) {
    return () -> job.cancelRequested() ? StopSignal.Request.CANCEL
        : scheduler.draining() ? StopSignal.Request.PAUSE : StopSignal.Request.CONTINUE;
  }

  /** A job that ended cannot resume, so its checkpoints only take space. */
  private void deleteCheckpoints(LiveJob job) {
    try {
      store.deleteWorkDir(job.id());
    } catch (IOException e) {
      LOG.log(Level.WARNING, "could not delete the checkpoints of job " + job.id(), e);
    }
  }
}
