package io.dlf.bench;

import io.dlf.dsl.Presets;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.encode.Vocabulary;
import io.dlf.dsl.plan.DataSize;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.plan.ResourceEstimate;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DatasetCatalog;
import io.dlf.trainer.data.DatasetSplits;
import io.dlf.trainer.encode.DataPreparation;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.job.TrainingOptions;
import io.dlf.trainer.server.submit.DataBounds;
import io.dlf.trainer.training.StopSignal;
import io.dlf.trainer.training.Trainer;
import io.dlf.trainer.training.TrainingListener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * One measurement for {@link AdmissionCalibration}, in a fresh JVM: the resident memory once
 * TensorFlow is loaded (what the trainer has before a job), then a whole job as the trainer runs it
 * (data preparation, one epoch with validation, test of the best checkpoint) on the first rows of
 * Frappe, and the process's peak (VmHWM). Prints one result line with the admission estimates: with
 * the data's real sizes, and bounded from the files as at submission.
 */
@Command(name = "admission-probe")
public final class AdmissionProbe implements Callable<Integer> {
  @Option(names = "--data-root", required = true) Path dataRoot;
  @Option(names = "--work-dir", required = true) Path workDir;
  @Option(names = "--preset", required = true) String preset;
  @Option(names = "--size", required = true, split = ",") int[] size;
  @Option(names = "--batch", required = true) int batch;
  @Option(names = "--rows", required = true, description = "training rows") int rows;
  @Option(names = "--eval-rows", required = true, description = "validation rows; test gets half as many")
  int evalRows;

  public static void main(String[] args) {
    System.exit(new CommandLine(new AdmissionProbe()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    long baseline = loadTensorFlow();
    DatasetCatalog.Entry frappe = DatasetCatalog.get(DatasetCatalog.FRAPPE);
    DatasetSplits source = frappe.splits(dataRoot);
    Files.createDirectories(workDir);
    DatasetSplits splits = new DatasetSplits(head(source.train(), workDir.resolve("train.libfm"), rows),
        head(source.validation(), workDir.resolve("validation.libfm"), evalRows),
        head(source.test(), workDir.resolve("test.libfm"), evalRows / 2));
    ModelSpec spec = Presets.named(preset, new Presets.Size(size[0], size[1], size[2], size[3], size[4]))
        .features(frappe.features()).build();
    ModelPlan plan = ModelPlan.of(spec);
    TrainingOptions options = TrainingOptions.defaults().maxEpochs(1).batchSize(batch).progressEverySteps(1_000);
    ResourceEstimate bounded = ResourceEstimate.of(plan, options.batchSizes(),
        DataBounds.of(frappe.schema(), splits, plan));

    PreparedData data = DataPreparation.prepare(spec, frappe.schema(), splits, BadRows.FAIL);
    long tokenBytes = data.vocabularies().byFeature().values().stream().map(Vocabulary::tokens)
        .flatMap(java.util.List::stream).mapToLong(String::length).sum();
    ResourceEstimate exact = ResourceEstimate.of(plan, options.batchSizes(), DataSize.read(
        data.train().size(), data.validation().size(), data.test().size(), data.vocabularies().sizes(), tokenBytes));
    new Trainer(SessionConfigs.threads(2, 2)).train(spec, data, options, workDir.resolve("job"), TrainingListener.NONE,
        StopSignal.NEVER);
    long peak = MachineInfo.peakResidentMib();
    System.out.println(ChildJvm.RESULT + String.join(",", preset, size[0] + "/" + size[1] + "/" + size[2] + "/"
        + size[3] + "/" + size[4], String.valueOf(batch), data.train().size() + "/" + data.validation().size(),
        String.valueOf(baseline), String.valueOf(peak), mib(exact.bytes()),
        mib(exact.bytes(ResourceEstimate.Kind.STATE)), mib(exact.bytes(ResourceEstimate.Kind.STEP)),
        mib(exact.bytes(ResourceEstimate.Kind.DATA)), mib(bounded.bytes()), bounded.driver()));
    return 0;
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%d", bytes >> 20);
  }

  /** Loads TensorFlow and runs one op, as a trainer has before its first job; returns VmRSS in MiB. */
  private static long loadTensorFlow() throws IOException {
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      session.runner().fetch(tf.math.add(tf.constant(1f), tf.constant(2f))).run().close();
    }
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
      }
    }
    return -1;
  }

  /** The first {@code lines} lines of a gzip file, as a plain file. */
  private static Path head(Path gzip, Path out, int lines) throws IOException {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gzip)),
        StandardCharsets.UTF_8)); Writer writer = Files.newBufferedWriter(out)) {
      String line;
      for (int i = 0; i < lines && (line = in.readLine()) != null; i++) {
        writer.write(line);
        writer.write('\n');
      }
    }
    return out;
  }
}
