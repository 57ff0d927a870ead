package io.dlf.bench;

import io.dlf.trainer.data.CriteoShapedDataset;
import io.dlf.trainer.data.DatasetSplits;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How fast {@code synthetic-criteo} is written on this machine: rows per second and gzip bytes of a
 * generation of {@code --rows} rows (split 80/10/10 as the trainer does), on one thread, median of
 * {@code --runs}. Writes {@code criteo-gen-<date>.md} and {@code criteo-gen.json}.
 */
@Command(name = "criteo-gen", mixinStandardHelpOptions = true)
public final class CriteoGenBenchmark implements Callable<Integer> {
  @Option(names = "--rows", defaultValue = "1000000", description = "Rows per run (default: ${DEFAULT-VALUE}).")
  int rows;

  @Option(names = "--runs", defaultValue = "3", description = "Runs (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--out", defaultValue = "bench/results", description = "Where the reports go (default: ${DEFAULT-VALUE}).")
  Path out;

  public static void main(String[] args) {
    System.exit(new CommandLine(new CriteoGenBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path work = Files.createTempDirectory("criteo-gen");
    int evaluation = rows / 10;
    double[] rates = new double[runs];
    double[] cpuRates = new double[runs];
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long bytes = 0;
    List<String> lines = new ArrayList<>();
    for (int run = 0; run < runs; run++) {
      Path dir = work.resolve("run-" + run);
      long start = System.nanoTime();
      long cpuStart = threads.getCurrentThreadCpuTime();
      DatasetSplits splits = new CriteoShapedDataset(2014).write(dir, rows - 2 * evaluation, evaluation, evaluation);
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
      bytes = 0;
      for (Path file : splits.all()) {
        bytes += Files.size(file);
        Files.delete(file);
      }
      rates[run] = rows / seconds;
      cpuRates[run] = rows / cpuSeconds;
      String line = String.format("run %d: %,d rows in %.2f s, %,.0f rows/s (%,.0f per second of the thread's CPU "
          + "time), %,d bytes of gzip (%.1f per row)", run + 1, rows, seconds, rates[run], cpuRates[run], bytes,
          bytes / (double) rows);
      System.out.println(line);
      lines.add(line);
    }
    double median = Stats.median(rates);
    double cpuMedian = Stats.median(cpuRates);
    long peakMib = MachineInfo.peakResidentMib();
    String command = "bench/criteo-gen.sh --rows " + rows + " --runs " + runs;
    String date = Reports.today();
    String machine = MachineInfo.describe();
    long maxHeapMib = Runtime.getRuntime().maxMemory() >> 20;
    System.out.printf("median %,.0f rows/s (%,.0f per CPU second), %,d bytes, peak RSS %d MiB (heap limit %d MiB)%n",
        median, cpuMedian, bytes, peakMib, maxHeapMib);

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("date", date);
    json.put("machine", machine);
    json.put("command", command);
    json.put("rows", rows);
    json.put("runs", runs);
    json.put("median_rows_per_s", Math.round(median));
    json.put("rows_per_s", Arrays.stream(rates).mapToLong(Math::round).toArray());
    json.put("median_rows_per_cpu_s", Math.round(cpuMedian));
    json.put("gzip_bytes", bytes);
    json.put("bytes_per_row", Math.round(bytes * 10.0 / rows) / 10.0);
    json.put("peak_rss_mib", peakMib);
    json.put("max_heap_mib", maxHeapMib);
    Reports.writeJson(out.resolve("criteo-gen.json"), json);
    Reports.write(out.resolve("criteo-gen-" + date + ".md"), "# synthetic-criteo generation, " + date + "\n\n"
        + "Command: `" + command + "`  \nMachine: " + machine + "\n\n"
        + "One thread draws the rows and writes them as gzip (level 1) TSV, train/validation/test 80/10/10.\n\n"
        + String.join("  \n", lines) + "\n\n"
        + String.format("**Median: %,.0f rows/s** (%,.0f rows per second of the thread's CPU time), %,d bytes of "
            + "gzip for %,d rows (%.1f bytes per row). Peak RSS of the JVM %d MiB with a heap limit of %d MiB.%n",
            median, cpuMedian, bytes, rows, bytes / (double) rows, peakMib, maxHeapMib));
    return 0;
  }
}
