package io.dlf.client.cli;

import io.dlf.client.DlfException;
import io.dlf.client.ModelRef;
import io.dlf.client.PredictionClient;
import io.dlf.client.TrainerClient;
import io.dlf.client.servers.Launcher;
import io.dlf.client.servers.LocalServers;
import io.dlf.dsl.Presets;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.proto.trainer.v1.DatasetRef;
import io.dlf.proto.trainer.v1.EarlyStopping;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.TrainingSettings;
import io.dlf.proto.model.v1.TrainingMetrics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dlfctl quickstart}: the platform end to end on one machine. Starts both servers, trains a
 * small DLF on Frappe through the trainer, waits for the serving server to serve the exported
 * version, predicts test rows from their raw values, and stops the servers.
 */
@Command(name = "quickstart", sortOptions = false,
    description = {"Start both servers (everything under --data-dir), train a small DLF on Frappe (generated",
        "Frappe-like data when Frappe is absent), serve the exported version, predict test rows from raw",
        "feature values, print the test AUC, logloss, version, predictions and the plots' paths,",
        "and stop the servers."})
final class QuickstartCommand implements Callable<Integer> {
  static final String MODEL = "dlf-quickstart";
  private static final Duration SERVING_TIMEOUT = Duration.ofMinutes(3);

  private final Interrupts interrupts;
  private final Optional<Launcher> launcher;
  private final DefaultPaths paths;

  @Spec
  CommandSpec spec;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Where the servers keep jobs, models, logs and results (default: data/quickstart in the checkout).")
  Path dataDir;

  @Option(names = "--data", paramLabel = "DIR",
      description = "The folder holding frappe/ (default: $DLF_DATA, else ../shared/data beside the checkout).")
  Path data;

  @Option(names = "--generated", description = "Train on generated Frappe-like data even when Frappe is there.")
  boolean generated;

  @Option(names = "--size", split = ",", paramLabel = "D,L,T,R,H", defaultValue = "16,2,8,4,64",
      description = "dlf-paper sizes: embedding dim, layers, tokens per block, FM rank, block MLP width"
          + " (default: ${DEFAULT-VALUE}).")
  List<Integer> size;

  @Option(names = "--epochs", defaultValue = "3", description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "4096", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--examples", defaultValue = "5", description = "Test rows to predict (default: ${DEFAULT-VALUE}).")
  int examples;

  @Option(names = "--keep-servers", description = "Keep the servers running at the end, until Ctrl-C.")
  boolean keepServers;

  @Mixin
  LocalServerOptions ports;

  QuickstartCommand(Interrupts interrupts, Optional<Launcher> launcher, DefaultPaths paths) {
    this.interrupts = interrupts;
    this.launcher = launcher;
    this.paths = paths;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    long started = System.nanoTime();
    ModelSpec model = model();
    Path frappeFolder = data != null ? data : paths.sharedData();
    QuickstartData dataset = generated ? QuickstartData.generated() : QuickstartData.under(frappeFolder);
    if (dataset.isGenerated()) {
      out.println("!".repeat(100));
      out.println((generated ? "!! --generated" : "!! No Frappe under " + frappeFolder.toAbsolutePath().normalize()
          + " (set DLF_DATA or --data)") + ": training on GENERATED data with Frappe's fields.");
      out.println("!! Its AUC shows the platform works; it says nothing about Frappe.");
      out.println("!".repeat(100));
    } else {
      out.println("training on Frappe from " + dataset.root().orElseThrow());
    }
    out.flush();

    List<Path> roots = dataset.root().map(List::of).orElseGet(() -> paths.dataRoots(List.of()));
    try (LocalServers servers = LocalServers.start(ports.config(dataDir(), roots), Launchers.require(launcher), out);
        TrainerClient trainer = TrainerClient.builder().target(servers.trainer().target()).build();
        PredictionClient serving = PredictionClient.builder().target(servers.serving().target()).build()) {
      cancelLeftovers(trainer, out);
      AtomicReference<String> jobId = new AtomicReference<>();
      AtomicBoolean interrupted = new AtomicBoolean();
      Interrupts.Registration registration = interrupts.onInterrupt(() -> {
        interrupted.set(true);
        stop(servers, trainer, jobId, out);
      });
      try {
        Job submitted = trainer.submit(model, DatasetRef.newBuilder().setName(dataset.dataset()).build(),
            TrainingSettings.newBuilder().setMaxEpochs(epochs).setBatchSize(batchSize).setSeed(2019)
                .setProgressEverySteps(10).setEarlyStopping(EarlyStopping.newBuilder().setPatience(epochs)).build());
        jobId.set(submitted.getId());
        out.println("submitted job " + submitted.getId() + ": " + model.name() + " (dlf-paper " + size + ") on "
            + dataset.dataset() + ", " + epochs + " epochs, batch " + batchSize);
        WatchOptions watch = new WatchOptions();
        watch.results = dataDir().resolve("results");
        // Ctrl-C is this command's own: it cancels the job and stops the servers (stop below).
        Interrupts handledHere = action -> () -> { };
        if (new JobFollower(trainer, out, handledHere, watch).follow(submitted.getId()) != 0) {
          return Dlfctl.FAILED;
        }
        Job job = trainer.job(submitted.getId());
        ServedVersion.awaitAvailable(serving, MODEL, job.getVersion(), SERVING_TIMEOUT);
        List<QuickstartData.Example> rows = dataset.testRows(dataDir(), examples);
        List<Float> probabilities = serving.predict(ModelRef.version(MODEL, job.getVersion()),
            rows.stream().map(QuickstartData.Example::features).toList()).probabilities();
        summary(out, job, servers, rows, probabilities, (System.nanoTime() - started) / 1e9);
      } catch (DlfException e) {
        if (interrupted.get()) {
          return Dlfctl.INTERRUPTED;
        }
        throw e;
      } finally {
        registration.close();
      }
      if (keepServers) {
        return ServersHold.untilInterrupted(servers, interrupts, out);
      }
      out.println("stopping the servers (--keep-servers keeps them)");
      out.flush();
    }
    out.println("servers stopped; their data stays in " + dataDir());
    out.flush();
    return 0;
  }

  private ModelSpec model() {
    if (size.size() != 5) {
      throw new CliException(Dlfctl.BAD_INPUT, "--size takes 5 numbers D,L,T,R,H; got " + size);
    }
    Presets.Size sizes = new Presets.Size(size.get(0), size.get(1), size.get(2), size.get(3), size.get(4));
    return Presets.dlfPaper(sizes).name(MODEL).categorical(QuickstartData.FIELDS.toArray(String[]::new)).build();
  }

  /**
   * A quickstart stopped by Ctrl-C in a terminal can leave its job queued (the servers got the signal
   * too and paused it); it would resume now and delay this run.
   */
  private static void cancelLeftovers(TrainerClient trainer, PrintWriter out) {
    trainer.jobs(JobState.QUEUED, JobState.RUNNING).stream().filter(job -> job.getModelName().equals(MODEL))
        .forEach(job -> {
          trainer.cancel(job.getId());
          out.println("cancelled job " + job.getId() + ", left over from an interrupted quickstart");
        });
  }

  /** Ctrl-C: cancel the job (it would otherwise resume on the next start) and stop the servers. */
  private static void stop(LocalServers servers, TrainerClient trainer, AtomicReference<String> jobId, PrintWriter out) {
    out.println();
    out.println("interrupted: cancelling the job and stopping the servers");
    out.flush();
    try {
      if (jobId.get() != null) {
        trainer.cancel(jobId.get());
      }
    } catch (DlfException e) {
      out.println("could not cancel job " + jobId.get() + ": " + e.getMessage());
    }
    servers.close();
  }

  private void summary(PrintWriter out, Job job, LocalServers servers, List<QuickstartData.Example> rows,
      List<Float> probabilities, double seconds) {
    TrainingMetrics metrics = job.getMetrics();
    out.println();
    out.printf(Locale.ROOT, "== quickstart: trained, exported, served and predicted in %s ==%n",
        Durations.clock(seconds));
    out.printf(Locale.ROOT, "test AUC %.4f  logloss %.4f  (best epoch %d of %d)%n", metrics.getTest().getAuc(),
        metrics.getTest().getLogloss(), metrics.getBestEpoch(), metrics.getEpochsRun());
    out.println("served: " + MODEL + " version " + job.getVersion() + " on " + servers.serving().target()
        + " (AVAILABLE)");
    out.println("predictions for the first " + rows.size() + " test rows, from their raw feature values:");
    for (int i = 0; i < rows.size(); i++) {
      String features = rows.get(i).features().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
          .collect(Collectors.joining(" "));
      out.printf(Locale.ROOT, "  %.4f  (clicked: %d)  %s%n", probabilities.get(i), rows.get(i).label(), features);
    }
    out.println("training curves: " + watchResults(job.getId()).resolve(TrainingCurves.FILE));
    out.println("ROC curve: " + watchResults(job.getId()).resolve(RocCurve.FILE));
    out.println("servers' data: " + dataDir() + " (jobs/, models/, datasets/, logs/, results/)");
    out.flush();
  }

  private Path watchResults(String jobId) {
    return dataDir().resolve("results").resolve(jobId);
  }

  /** --data-dir, else data/quickstart in the checkout. */
  private Path dataDir() {
    return dataDir != null ? dataDir : paths.inHome("data/quickstart");
  }
}
