package io.dlf.bench;

import com.google.gson.Gson;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DatasetSplits;
import io.dlf.trainer.data.GeneratedDatasets;
import io.dlf.trainer.data.GenerationListener;
import io.dlf.trainer.encode.PreparationProgress;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.encode.PreparedDataCache;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One row count of the data-scale benchmark, in a process of its own so that its peak RSS is its
 * own: prepares the generated Criteo-shaped dataset into fresh shards, then trains the benchmark's
 * model a fixed number of steps streamed from them. Peak RSS is taken after preparation and again
 * after training, the peak restarted in between ({@link MachineInfo#resetPeakResident}). Prints one
 * {@link ChildJvm#RESULT} line of JSON figures.
 */
@Command(name = "criteo-scale-worker", mixinStandardHelpOptions = true)
public final class CriteoScaleWorker implements Callable<Integer> {
  @Option(names = "--rows", required = true, description = "the generated dataset's rows, all splits") int rows;
  @Option(names = "--generated-dir", required = true, description = "where the dataset was generated") Path generated;
  @Option(names = "--work-dir", required = true, description = "its shards go to a fresh folder here") Path workDir;
  @Option(names = "--hash-buckets", required = true, description = "the buckets of each hashed column") int hashBuckets;
  @Option(names = "--warmup", defaultValue = "3") int warmup;
  @Option(names = "--steps", defaultValue = "30") int steps;
  @Option(names = "--batch", defaultValue = "4096") int batch;
  @Option(names = "--threads", defaultValue = "2") int threads;

  /** Preparation prints its progress at most this often (and at each stage's start): a long run shows how far it got. */
  private static final long PROGRESS_NANOS = 30_000_000_000L;
  private long lastProgress = Long.MIN_VALUE;

  public static void main(String[] args) {
    System.exit(new CommandLine(new CriteoScaleWorker()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    String name = GeneratedDatasets.SYNTHETIC_CRITEO + ":" + rows;
    DatasetSplits splits = new GeneratedDatasets(generated).splits(name, GenerationListener.NONE);
    ModelSpec spec = ScaleModel.on(ScaleModel.criteoShaped(hashBuckets));
    Path prepared = workDir.resolve("prepared-" + rows);
    ShardFolders.deleteRecursively(prepared);
    long start = System.nanoTime();
    PreparedData data = new PreparedDataCache(prepared).prepare(spec, GeneratedDatasets.schema(name), splits,
        BadRows.FAIL, this::printProgress);
    double prepareSeconds = (System.nanoTime() - start) / 1e9;
    long rssPrepare = MachineInfo.peakResidentMib();
    long shardBytes = ShardFolders.shardBytes(prepared);
    long preparedRows = data.train().size() + data.validation().size() + data.test().size();
    System.out.printf(Locale.ROOT, "prepared %,d rows in %.1f s (%,.0f rows/s), %,d bytes, peak RSS %d MiB%n",
        preparedRows, prepareSeconds, preparedRows / prepareSeconds, shardBytes, rssPrepare);
    boolean reset = MachineInfo.resetPeakResident();
    double samplesPerSecond = new FixedSteps(warmup, steps, batch, threads).run(spec, data, 1, false).samplesPerSecond();
    long rssTraining = MachineInfo.peakResidentMib();
    System.out.printf(Locale.ROOT, "trained %d steps streamed: %,.0f samples/s, peak RSS %d MiB%n", steps,
        samplesPerSecond, rssTraining);

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("rows", preparedRows);
    result.put("prepare_seconds", prepareSeconds);
    result.put("prepare_rows_per_s", preparedRows / prepareSeconds);
    result.put("shards_bytes", shardBytes);
    result.put("peak_rss_mb_prepare", rssPrepare);
    result.put("peak_rss_mb_training", rssTraining);
    result.put("peak_restarted_for_training", reset);
    result.put("streamed_samples_per_s", samplesPerSecond);
    System.out.println(ChildJvm.RESULT + new Gson().toJson(result));
    return 0;
  }

  private void printProgress(PreparationProgress progress) {
    long now = System.nanoTime();
    if (progress.rows() > 0 && now - lastProgress < PROGRESS_NANOS) {
      return;
    }
    lastProgress = now;
    System.out.printf(Locale.ROOT, "preparing: %s %s %,d rows (%,.0f rows/s), %,d bytes, peak RSS %d MiB%n",
        progress.stage(), progress.split(), progress.rows(), progress.rowsPerSecond(), progress.bytes(),
        MachineInfo.peakResidentMib());
  }
}
