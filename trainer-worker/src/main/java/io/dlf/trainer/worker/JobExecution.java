package io.dlf.trainer.worker;

import io.dlf.dsl.cluster.ClusterLayout;
import io.dlf.dsl.codec.SpecProtos;
import io.dlf.dsl.export.CalibrationRows;
import io.dlf.dsl.export.Int8Kernel;
import io.dlf.dsl.export.ModelExporter;
import io.dlf.dsl.export.ServedEvaluation;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.proto.model.v1.EpochMetrics;
import io.dlf.proto.model.v1.ServingPrecision;
import io.dlf.proto.train.v1.AttemptFailed;
import io.dlf.proto.train.v1.Cancelled;
import io.dlf.proto.train.v1.ClusterPlacement;
import io.dlf.proto.train.v1.Exporting;
import io.dlf.proto.train.v1.GeneratedDataset;
import io.dlf.proto.train.v1.Paused;
import io.dlf.proto.train.v1.TrainingProgress;
import io.dlf.proto.train.v1.WorkerAssignment;
import io.dlf.proto.train.v1.WorkerEvent;
import io.dlf.proto.trainer.v1.ClusterShape;
import io.dlf.proto.trainer.v1.DataSummary;
import io.dlf.proto.trainer.v1.EpochEnded;
import io.dlf.proto.trainer.v1.JobResult;
import io.dlf.server.GrpcErrors.FieldViolation;
import io.dlf.trainer.data.GeneratedDatasets;
import io.dlf.trainer.encode.GenerationMeter;
import io.dlf.trainer.encode.PreparationProgress;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.encode.PreparedDataCache;
import io.dlf.trainer.job.CpuFeatures;
import io.dlf.trainer.job.DatasetProtos;
import io.dlf.trainer.job.TrainingOptions;
import io.dlf.trainer.job.TrainingSettingsReader;
import io.dlf.trainer.training.CalibrationSample;
import io.dlf.trainer.training.ClusterReplicas;
import io.dlf.trainer.training.ServedSplits;
import io.dlf.trainer.training.TrainedModel;
import io.dlf.trainer.training.Trainer;
import io.dlf.trainer.training.TrainingDivergedException;
import io.dlf.trainer.training.TrainingListener;
import io.dlf.trainer.training.TrainingOutcome;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tensorflow.proto.ConfigProto;

/**
 * One job in its worker: writes its generated dataset if it names one not written yet, prepares the
 * data (or finds it prepared by an earlier job), trains (resuming from the work folder's checkpoints if the
 * job ran before), keeps the trained model in the work folder and exports it as the next version of
 * the model, telling the trainer each step. A job whose training finished before (its export
 * failed) only exports. The export is keyed by the job id, so a job that runs again after a crash
 * between export and report finds its version instead of writing a second one.
 */
final class JobExecution {
  private static final Logger LOG = Logger.getLogger(JobExecution.class.getName());

  private final WorkerAssignment assignment;
  private final WorkerChannel channel;
  /** The job's data once read: training reads it, and a bfloat16 export measures its served graph on it. */
  private PreparedData prepared;

  JobExecution(WorkerAssignment assignment, WorkerChannel channel) {
    this.assignment = assignment;
    this.channel = channel;
  }

  /** Runs the job to its last event. */
  void run() {
    try {
      execute();
    } catch (CancellationException e) {
      channel.send(WorkerEvent.newBuilder().setCancelled(Cancelled.newBuilder().setMessage(e.getMessage())).build());
    } catch (ClusterTaskException e) {
      LOG.log(Level.SEVERE, "job " + assignment.getJobId() + ": its attempt failed", e);
      channel.send(WorkerEvent.newBuilder().setAttemptFailed(AttemptFailed.newBuilder().setCause(e.getMessage()))
          .build());
    } catch (Exception | OutOfMemoryError e) {
      LOG.log(Level.SEVERE, "job " + assignment.getJobId() + " failed", e);
      channel.send(WorkerEvent.newBuilder().setFailed(WorkerFailures.of(e, assignment.getJobId())).build());
    }
  }

  private void execute() throws IOException {
    // Both were checked by the trainer before it started this worker.
    ModelSpec spec = SpecProtos.fromProto(assignment.getRequest().getModelSpec());
    List<FieldViolation> violations = new ArrayList<>();
    TrainingOptions options = TrainingSettingsReader.options(assignment.getRequest().getTraining(), violations);
    if (!violations.isEmpty()) {
      throw new IllegalStateException("the trainer passed invalid training settings: " + violations);
    }
    DevicePrecision.checkExport(assignment.getRequest().getExport().getPrecision(), Int8Kernel.refusal());
    Path workDir = Path.of(assignment.getWorkDir());
    // A run that finished training before (its export failed, or its worker died exporting) only exports.
    Optional<TrainedModel> kept = TrainedModel.load(workDir);
    if (kept.isEmpty() && assignment.getExportOnly()) {
      throw new IllegalStateException("the job's trained model is no longer in its work folder " + workDir
          + ", so there is nothing to export; submit the job again to train it anew");
    }
    Optional<TrainedModel> trained = kept.isPresent() ? kept : train(spec, options, workDir);
    if (trained.isEmpty()) {
      channel.send(WorkerEvent.newBuilder().setPaused(Paused.newBuilder()
          .setMessage("paused; resumes from its checkpoint")).build());
      return;
    }
    export(spec, options, trained.get());
  }

  /**
   * Prepares the data (or finds it prepared) and trains from its shards; the trained model is kept in
   * the work folder. Empty if paused.
   */
  private Optional<TrainedModel> train(ModelSpec spec, TrainingOptions requested, Path workDir) throws IOException {
    TrainingOptions options = DevicePrecision.of(requested, assignment.getGpu(), CpuFeatures.ofThisMachine());
    if (options.precision() != requested.precision()) {
      LOG.info(() -> "job " + assignment.getJobId() + " asked for " + requested.precision() + " and trains at "
          + options.precision() + " on its GPU (TensorFlow has no bfloat16 rewrite for GPU ops)");
    }
    PreparedData data = data(spec);
    channel.send(WorkerEvent.newBuilder().setDataPrepared(DataSummary.newBuilder()
        .setTrainRows(data.train().size())
        .setValidationRows(data.validation().size())
        .setTestRows(data.test().size())
        .setSkippedRows(data.skippedRows())).build());
    if (channel.cancelRequested()) {
      throw new CancellationException("cancelled while its data was read");
    }
    ConfigProto session = DeviceSessionConfigs.forDevice(assignment.getGpu(), assignment.getIntraOpThreads(),
        assignment.getInterOpThreads());
    Trainer trainer = new Trainer(session);
    TrainingOutcome outcome;
    String bestCheckpoint;
    if (assignment.getRequest().getTraining().hasCluster()) {
      try (ClusterTasks tasks = startTasks(workDir.resolve("tasks"))) {
        LOG.info(() -> "job " + assignment.getJobId() + " trains on " + tasks.layout());
        try {
          outcome = trainer.train(spec, data, options, workDir, new EventListener(), channel,
              new ClusterReplicas(tasks.layout(), ClusterTimeouts.operation(),
                  assignment.getRequest().getTraining().getCluster().getSynchronous()));
        } catch (CancellationException | TrainingDivergedException e) {
          throw e;
        } catch (RuntimeException e) {
          throw tasks.explain(e);
        }
        bestCheckpoint = outcome.completed()
            ? trainer.unsplit(spec, data, options, tasks.layout(), outcome.bestCheckpoint()) : "";
      }
    } else {
      outcome = trainer.train(spec, data, options, workDir, new EventListener(), channel);
      bestCheckpoint = outcome.bestCheckpoint();
    }
    if (!outcome.completed()) {
      return Optional.empty();
    }
    TrainedModel trained = new TrainedModel(data.vocabularies(), outcome.metrics().orElseThrow(), bestCheckpoint);
    trained.save(workDir);
    return Optional.of(trained);
  }

  /** The job's tasks: all on this host's loopback, or where its worker host placed them. */
  private ClusterTasks startTasks(Path logs) throws IOException {
    if (assignment.hasClusterPlacement()) {
      ClusterPlacement placement = assignment.getClusterPlacement();
      return ClusterTasks.start(new ClusterLayout(placement.getParameterServersList(), placement.getWorkersList()),
          Set.copyOf(placement.getRemoteTasksList()), logs, ClusterTimeouts.READY, ClusterTimeouts.unstarted(),
          this::taskLost);
    }
    ClusterShape shape = assignment.getRequest().getTraining().getCluster();
    return ClusterTasks.start(shape.getParameterServers(), shape.getWorkers(), logs, ClusterTimeouts.READY,
        ClusterTimeouts.unstarted(), this::taskLost);
  }

  /**
   * A task of the job's cluster ended: the attempt fails at once, rather than when a step against the
   * task times out. What the job committed (checkpoint, then state) is whole, so the next attempt
   * resumes from it; a checkpoint being written now is not in the state yet.
   */
  private void taskLost(String cause) {
    LOG.severe(() -> "job " + assignment.getJobId() + ": " + cause + "; its attempt fails");
    channel.send(WorkerEvent.newBuilder().setAttemptFailed(AttemptFailed.newBuilder().setCause(cause)).build());
    // a step may be blocked on the lost task: the event said how the attempt ended, nothing more is to come
    Runtime.getRuntime().halt(0);
  }

  private void preparing(PreparationProgress progress) {
    io.dlf.proto.trainer.v1.PreparationProgress.Builder report = io.dlf.proto.trainer.v1.PreparationProgress.newBuilder()
        .setStage(io.dlf.proto.trainer.v1.PreparationProgress.Stage.valueOf(progress.stage().name()))
        .setSplit(progress.split())
        .setRows(progress.rows())
        .setRowsPerSecond(progress.rowsPerSecond());
    if (progress.stage() == PreparationProgress.Stage.GENERATING) {
      report.setGeneratedBytes(progress.bytes());
    } else {
      report.setShardBytes(progress.bytes());
    }
    channel.send(WorkerEvent.newBuilder().setPreparing(report).build());
  }

  /**
   * Writes the job's generated dataset where the trainer said its files go, unless written before; a
   * cancel stops it at its next report (about once a second).
   */
  private void generate(GeneratedDataset dataset) throws IOException {
    new GeneratedDatasets(Path.of(dataset.getDir())).splits(dataset.getName(), new GenerationMeter(progress -> {
      if (channel.cancelRequested()) {
        throw new CancellationException("cancelled while its dataset " + dataset.getName() + " was generated");
      }
      preparing(progress);
    }));
  }

  /** The job's data, prepared (or found prepared) once per worker: training and a served evaluation share it. */
  private PreparedData data(ModelSpec spec) throws IOException {
    if (prepared == null) {
      if (assignment.hasGenerated()) {
        generate(assignment.getGenerated());
      }
      prepared = new PreparedDataCache(Path.of(assignment.getPreparedDir())).prepare(spec,
          DatasetProtos.schema(assignment.getDataset()), DatasetProtos.splits(assignment.getDataset()),
          DatasetProtos.badRows(assignment.getDataset()), this::preparing);
    }
    return prepared;
  }

  /**
   * Exports the trained model as the next version of the job's model; a version served at another
   * precision than float32 is measured on the validation and test splits as served (prepared again
   * when training ran in an earlier worker), and an int8 one calibrated on a sample of training rows.
   */
  private void export(ModelSpec spec, TrainingOptions options, TrainedModel trained) throws IOException {
    channel.send(WorkerEvent.newBuilder().setExporting(Exporting.getDefaultInstance()).build());
    // Export only restores weights and writes files: the CPU will do.
    ConfigProto cpu = DeviceSessionConfigs.forDevice(false, assignment.getIntraOpThreads(),
        assignment.getInterOpThreads());
    ServingPrecision precision = assignment.getRequest().getExport().getPrecision();
    ServedEvaluation served = precision == ServingPrecision.BFLOAT16 || precision == ServingPrecision.INT8
        ? ServedSplits.of(data(spec), options.evalBatchSize()) : ServedEvaluation.NONE;
    CalibrationRows calibration = precision == ServingPrecision.INT8
        ? CalibrationSample.of(data(spec), options.seed()) : CalibrationRows.NONE;
    long version = new ModelExporter(new ModelRepository(Path.of(assignment.getModelsDir())), cpu).export(
        new ModelExporter.Request(assignment.getModelName(), spec, trained.vocabularies(), trained.bestCheckpoint(),
            trained.metrics(), assignment.getJobId(), options.seed(), precision, served, calibration));
    channel.send(WorkerEvent.newBuilder().setSucceeded(JobResult.newBuilder().setModelName(assignment.getModelName())
        .setVersion(version).setMetrics(trained.metrics())).build());
  }

  /** The training loop's reports, passed on as they come. */
  private final class EventListener implements TrainingListener {
    @Override
    public void onProgress(int epoch, int step, int stepsPerEpoch, double loss, double samplesPerSecond,
        List<Double> replicaSamplesPerSecond) {
      channel.send(WorkerEvent.newBuilder().setProgress(TrainingProgress.newBuilder().setEpoch(epoch).setStep(step)
          .setStepsPerEpoch(stepsPerEpoch).setLoss(loss).setSamplesPerSecond(samplesPerSecond)
          .addAllWorkerSamplesPerSecond(replicaSamplesPerSecond)).build());
    }

    @Override
    public void onEpoch(EpochMetrics metrics, boolean improved) {
      channel.send(WorkerEvent.newBuilder().setEpochEnded(EpochEnded.newBuilder().setMetrics(metrics)
          .setImproved(improved)).build());
    }
  }
}
