package io.dlf.bench;

import io.dlf.dsl.plan.ResourceEstimate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Checks the trainer's admission estimate ({@link ResourceEstimate}) against the memory real jobs
 * take: each configuration runs as a whole job in a fresh JVM ({@link AdmissionProbe}) and the job's
 * peak is the process's VmHWM less its resident memory with TensorFlow loaded. Writes
 * {@code bench/results/admission-<date>.md}.
 */
@Command(name = "admission-calibration", mixinStandardHelpOptions = true)
public final class AdmissionCalibration implements Callable<Integer> {
  /**
   * preset, D,L,T,R,H, batch, training rows, validation rows: small and paper-sized models; the
   * training step dominating (large batch, small validation) or evaluation (up to 50,000-row
   * batches). dlf-paper at D = 64 evaluates only 5,000 rows: at 50,000 its NAF layers need more than
   * this 24 GiB machine has (a run was killed by the kernel).
   */
  private static final List<List<String>> CONFIGS = List.of(
      List.of("dlf-paper", "16,2,8,4,64", "4096", "40000", "57722"),
      List.of("dlf-paper", "16,2,8,4,64", "16384", "40000", "4000"),
      List.of("dlf-reference", "64,3,32,24,512", "1000", "10000", "57722"),
      List.of("dlf-reference", "64,3,32,24,512", "4096", "20000", "4000"),
      List.of("dlf-paper", "64,3,32,24,512", "256", "5000", "5000"),
      List.of("dlf-paper", "64,3,32,24,512", "1000", "10000", "500"));

  @Option(names = "--data-root", defaultValue = "../shared/data") Path dataRoot;
  @Option(names = "--results", defaultValue = "bench/results") Path results;
  @Option(names = "--work-dir", defaultValue = "data/bench/admission") Path workDir;

  public static void main(String[] args) {
    System.exit(new CommandLine(new AdmissionCalibration()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < CONFIGS.size(); i++) {
      List<String> c = CONFIGS.get(i);
      System.out.println("== " + c);
      String result = ChildJvm.run(AdmissionProbe.class, List.of("--data-root", dataRoot.toString(), "--work-dir",
          workDir.resolve("run-" + i).toString(), "--preset", c.get(0), "--size", c.get(1), "--batch", c.get(2),
          "--rows", c.get(3), "--eval-rows", c.get(4)));
      System.out.println("   " + result);
      rows.add(row(result.split(",")));
    }
    String date = LocalDate.now().toString();
    Path report = results.resolve("admission-" + date + ".md");
    Files.writeString(report, "# Admission estimate against measured job memory, " + date + "\n\n"
        + "- Machine: " + MachineInfo.describe() + "\n"
        + "- Command: `bench/admission-calibration.sh` (io.dlf.bench.AdmissionCalibration)\n"
        + "- Method: each row is one whole job in a fresh JVM (-Xmx6g, 2 intra-op and 2 inter-op threads) on the first"
        + " rows of Frappe's splits (test half as many as validation): data preparation, one epoch with"
        + " validation, test of the best checkpoint. Job = VmHWM at the end less VmRSS once TensorFlow was loaded."
        + " Estimate = ResourceEstimate with the data's real sizes (state / step / data in MiB); at submit = the same"
        + " with the data bounded from the files' sizes, as the trainer admits jobs.\n\n"
        + "| preset | D/L/T/R/H | batch | train/validation rows | base MiB | peak MiB | job MiB | estimate MiB (state/step/data)"
        + " | estimate / job | at submit MiB (driver) |\n|---|---|---|---|---|---|---|---|---|---|\n"
        + String.join("\n", rows) + "\n");
    System.out.println("wrote " + report);
    return 0;
  }

  private static String row(String[] f) {
    long base = Long.parseLong(f[4]);
    long peak = Long.parseLong(f[5]);
    long job = peak - base;
    long estimate = Long.parseLong(f[6]);
    return String.format(Locale.ROOT, "| %s | %s | %,d | %s | %,d | %,d | %,d | %,d (%s/%s/%s) | %.2f | %,d (%s) |",
        f[0], f[1], Long.parseLong(f[2]), f[3], base, peak, job, estimate, f[7], f[8], f[9],
        (double) estimate / job, Long.parseLong(f[10]), f[11]);
  }
}
