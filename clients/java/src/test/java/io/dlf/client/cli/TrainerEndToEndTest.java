package io.dlf.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.client.TrainerClient;
import io.dlf.dsl.Presets;
import io.dlf.dsl.codec.SpecJson;
import io.dlf.dsl.repository.VersionFiles;
import io.dlf.dsl.testing.RequiresDataset;
import io.dlf.dsl.testing.TestData;
import io.dlf.proto.model.v1.EvaluationMetrics;
import io.dlf.proto.model.v1.ServingPrecision;
import io.dlf.proto.model.v1.TrainingMetrics;
import io.dlf.proto.trainer.v1.DatasetRef;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.TrainingSettings;
import io.dlf.serving.ServingConfig;
import io.dlf.serving.ServingServer;
import io.dlf.server.GrpcServerConfig;
import io.dlf.trainer.server.TrainerServer;
import io.dlf.trainer.server.TrainerServerConfig;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * dlfctl against a real trainer on a loopback port: a tiny DLF trained for one epoch on Frappe with
 * {@code train --watch}, the job seen through {@code jobs}, its version served and scored with
 * {@code predict} (exported at bfloat16, its served figures recorded); a second job left running on Ctrl-C, then cancelled on Ctrl-C.
 */
@RequiresDataset("frappe")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class TrainerEndToEndTest {
  private static final String FEATURES = "user,item,daytime,weekday,isweekend,homework,cost,weather,country,city";
  private static final Path DATA = TestData.root();

  @TempDir
  static Path dir;
  private static TrainerServer trainer;
  private static TrainerClient client;
  private static String target;
  private static Cli train;
  private static String jobId;

  @BeforeAll
  static void trainOneEpoch() throws Exception {
    trainer = TrainerServer.create(TrainerServerConfig.defaults(dir.resolve("trainer"), List.of(DATA))
        .withUseGpus(false).withThreads(2, 1).withPauseTimeout(Duration.ofSeconds(30)), GrpcServerConfig.local());
    trainer.start();
    target = "127.0.0.1:" + trainer.port();
    client = TrainerClient.builder().target(target).build();
    train = Cli.run("train", "--trainer", target, "--preset", "dlf-paper", "--size", "8,2,8,4,64", "--name", "frappe-cli",
        "--dataset", "frappe", "--features", FEATURES, "--epochs", "1", "--batch-size", "4096", "--seed", "7",
        "--progress-every", "10", "--device", "cpu", "--serving-precision", "bfloat16", "--watch",
        "--results", dir.resolve("results").toString());
    Matcher submitted = Pattern.compile("submitted job (\\S+) ").matcher(train.out());
    assertTrue(submitted.find(), train.toString());
    jobId = submitted.group(1);
  }

  @AfterAll
  static void stop() {
    client.close();
    trainer.stop();
  }

  @Test
  void trainWatchShowsProgressMetricsVersionAndCurves() throws Exception {
    assertEquals(0, train.exitCode(), train.toString());
    String out = train.out();
    assertTrue(Pattern.compile("epoch 1/1  step \\d+/50  loss \\d\\.\\d{4}  [\\d,]+ samples/s  ETA \\d+:\\d\\d")
        .matcher(out).find(), out);
    assertTrue(out.contains("epoch 1: train loss "), out);
    assertTrue(Pattern.compile("test AUC 0\\.\\d{4}  logloss \\d\\.\\d{4}  \\(best epoch 1 of 1\\); exported frappe-cli "
        + "version 1").matcher(out).find(), out);
    assertTrue(out.contains("job " + jobId + " SUCCEEDED"), out);

    Path folder = dir.resolve("results").resolve(jobId);
    assertTrue(out.contains("training curves: " + folder.resolve(TrainingCurves.FILE)), out);
    BufferedImage png = ImageIO.read(folder.resolve(TrainingCurves.FILE).toFile());
    assertNotNull(png, "a readable PNG");
    assertEquals(1120, png.getWidth());
    assertTrue(out.contains("ROC curve: " + folder.resolve(RocCurve.FILE)), out);
    BufferedImage roc = ImageIO.read(folder.resolve(RocCurve.FILE).toFile());
    assertNotNull(roc, "a readable ROC PNG");
    assertEquals(560, roc.getWidth());
    EvaluationMetrics test = client.job(jobId).getMetrics().getTest();
    assertTrue(test.getRocCount() > 2, "the final test metrics carry the ROC curve: " + test);
    assertEquals(List.of(1.0, 1.0), List.of(test.getRoc(test.getRocCount() - 1).getFalsePositiveRate(),
        test.getRoc(test.getRocCount() - 1).getTruePositiveRate()));
    assertTrue(Files.readString(folder.resolve("job.json")).contains("\"id\": \"" + jobId + "\""));
  }

  @Test
  void jobsListGetCancelAndRetryExportSpeakForTheServer() {
    Cli list = Cli.run("jobs", "list", "--trainer", target, "--state", "succeeded");
    assertEquals(0, list.exitCode(), list.toString());
    assertTrue(list.out().lines().anyMatch(l -> l.startsWith(jobId) && l.contains("SUCCEEDED")
        && l.contains("frappe-cli") && l.contains("version 1, test AUC 0.")), list.toString());

    Cli get = Cli.run("jobs", "get", jobId, "--trainer", target);
    assertTrue(get.out().contains("\"state\": \"SUCCEEDED\""), get.toString());

    Cli cancel = Cli.run("jobs", "cancel", jobId, "--trainer", target);
    assertEquals(Dlfctl.FAILED, cancel.exitCode(), cancel.toString());
    assertTrue(cancel.err().startsWith("dlfctl: CancelJob on the trainer at " + target + ": FAILED_PRECONDITION: "),
        cancel.toString());

    Cli retry = Cli.run("jobs", "retry-export", jobId, "--trainer", target);
    assertEquals(Dlfctl.FAILED, retry.exitCode(), retry.toString());
    assertTrue(retry.err().startsWith("dlfctl: RetryExport on the trainer at " + target + ": FAILED_PRECONDITION: "
        + "job " + jobId + " already succeeded: it exported version 1 of frappe-cli"), retry.toString());

    Cli unknown = Cli.run("jobs", "get", "no-such-job", "--trainer", target);
    assertEquals(Dlfctl.FAILED, unknown.exitCode(), unknown.toString());
    assertTrue(unknown.err().contains("NOT_FOUND"), unknown.toString());
  }

  @Test
  void aSpecTheTrainerRefusesListsTheFieldsAtFault() throws Exception {
    Path spec = dir.resolve("colour.json");
    Files.writeString(spec, SpecJson.toJson(Presets.dlfPaper(new Presets.Size(8, 1, 8, 4, 16)).name("colour")
        .categorical("colour").build()));
    Cli cli = Cli.run("train", "--spec", spec.toString(), "--dataset", "frappe", "--trainer", target);
    assertEquals(Dlfctl.FAILED, cli.exitCode(), cli.toString());
    assertTrue(cli.err().startsWith("dlfctl: SubmitJob on the trainer at " + target + ": INVALID_ARGUMENT: "),
        cli.toString());
    assertTrue(cli.err().contains("\n  model_spec.features[0].name: "), cli.toString());
  }

  @Test
  void theExportedVersionIsServedAndScoresFrappeRows() throws Exception {
    ServingServer serving = ServingServer.create(ServingConfig.local(dir.resolve("trainer/models")));
    serving.start();
    try {
      Path input = dir.resolve("frappe.jsonl");
      Files.write(input, frappeTestRows(3));
      Cli cli = Cli.run("predict", "--model", "frappe-cli", "--version", "1", "--input", input.toString(),
          "--serving", "127.0.0.1:" + serving.port());
      assertEquals(0, cli.exitCode(), cli.toString());
      List<Double> probabilities = cli.out().lines().map(Double::parseDouble).toList();
      assertEquals(3, probabilities.size(), cli.toString());
      probabilities.forEach(p -> assertTrue(p > 0 && p < 1, cli.toString()));
    } finally {
      serving.stop();
    }
  }

  /** The job exported at bfloat16: its version's metrics carry the served figures, and the server reports its precision. */
  @Test
  void aBfloat16VersionRecordsItsServedFiguresAndIsReportedAsSuch() throws Exception {
    TrainingMetrics metrics = VersionFiles.readJson(dir.resolve("trainer/models/frappe-cli/1").resolve(VersionFiles.METRICS),
        TrainingMetrics.newBuilder()).build();
    assertEquals(ServingPrecision.BFLOAT16, metrics.getServingPrecision());
    assertEquals(metrics.getTest().getExamples(), metrics.getServedTest().getExamples());
    assertEquals(metrics.getTest().getAuc(), metrics.getServedTest().getAuc(), 0.01,
        "bfloat16 products cost little AUC: " + metrics);
    assertEquals(metrics.getValidation().getAuc(), metrics.getServedValidation().getAuc(), 0.01);
    ServingServer serving = ServingServer.create(ServingConfig.local(dir.resolve("trainer/models")));
    serving.start();
    try {
      Cli cli = Cli.run("models", "metadata", "frappe-cli", "--serving", "127.0.0.1:" + serving.port());
      assertEquals(0, cli.exitCode(), cli.toString());
      assertTrue(cli.out().startsWith("frappe-cli  version 1  precision bfloat16  created "), cli.toString());
    } finally {
      serving.stop();
    }
  }

  @Test
  void ctrlCDetachesUnlessCancelOnExit() throws Exception {
    Job job = client.submit(Presets.dlfPaper(new Presets.Size(8, 1, 8, 4, 16)).name("frappe-detach")
            .categorical(FEATURES.split(",")).build(), DatasetRef.newBuilder().setName("frappe").build(),
        TrainingSettings.newBuilder().setMaxEpochs(1).setDevice(TrainingSettings.Device.CPU).build());

    ManualInterrupt detach = new ManualInterrupt();
    CompletableFuture<Cli> watching = CompletableFuture.supplyAsync(() ->
        Cli.run(detach, "jobs", "watch", job.getId(), "--trainer", target));
    detach.fire();
    Cli detached = watching.get(1, TimeUnit.MINUTES);
    assertEquals(Dlfctl.INTERRUPTED, detached.exitCode(), detached.toString());
    assertTrue(detached.out().contains("detached from job " + job.getId() + "; it keeps running on the trainer"),
        detached.toString());
    assertNotEquals(JobState.CANCELLED, client.job(job.getId()).getState());
    assertNotEquals(JobState.CANCELLING, client.job(job.getId()).getState());

    ManualInterrupt cancel = new ManualInterrupt();
    CompletableFuture<Cli> cancelling = CompletableFuture.supplyAsync(() ->
        Cli.run(cancel, "jobs", "watch", job.getId(), "--cancel-on-exit", "--trainer", target));
    cancel.fire();
    Cli cancelled = cancelling.get(1, TimeUnit.MINUTES);
    assertEquals(Dlfctl.INTERRUPTED, cancelled.exitCode(), cancelled.toString());
    assertTrue(cancelled.out().contains("cancelled job " + job.getId() + " (--cancel-on-exit)"), cancelled.toString());
    JobState state = client.job(job.getId()).getState();
    assertTrue(state == JobState.CANCELLING || state == JobState.CANCELLED, state.name());
  }

  /** The first rows of Frappe's test split as dlfctl input: each field's raw value is its libFM index. */
  private static List<String> frappeTestRows(int count) throws Exception {
    String[] fields = FEATURES.split(",");
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(DATA.resolve("frappe/frappe.test.libfm.gz"))), StandardCharsets.UTF_8))) {
      return reader.lines().limit(count).map(line -> {
        String[] parts = line.trim().split(" ");
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < fields.length; i++) {
          String index = parts[i + 1].substring(0, parts[i + 1].indexOf(':'));
          json.append(i == 0 ? "" : ", ").append('"').append(fields[i]).append("\": \"").append(index).append('"');
        }
        return json.append('}').toString();
      }).toList();
    }
  }

  /** Ctrl-C on demand: fires the action a watch registered. */
  private static final class ManualInterrupt implements Interrupts {
    private final CompletableFuture<Runnable> registered = new CompletableFuture<>();

    @Override
    public Registration onInterrupt(Runnable action) {
      registered.complete(action);
      return () -> { };
    }

    void fire() throws Exception {
      registered.get(30, TimeUnit.SECONDS).run();
    }
  }
}
