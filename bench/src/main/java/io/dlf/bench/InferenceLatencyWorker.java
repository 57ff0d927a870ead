package io.dlf.bench;

import com.google.gson.Gson;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.export.ExportedModel;
import io.dlf.trainer.data.DatasetCatalog;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * In-process inference of an exported Frappe model from raw feature values, in its own JVM:
 * batch-1 latency (p50/p99, one session thread as a server would run it) and batch-256 throughput
 * (median of windows, with one and with two intra-op threads).
 */
@Command(name = "inference-latency-worker")
public final class InferenceLatencyWorker implements Callable<Integer> {
  private static final int BATCH = 256;

  @Option(names = "--data-root", required = true) Path dataRoot;
  @Option(names = "--model-dir", required = true) Path modelDir;
  @Option(names = "--calls", defaultValue = "3000") int calls;
  @Option(names = "--windows", defaultValue = "7") int windows;

  public static void main(String[] args) {
    System.exit(new CommandLine(new InferenceLatencyWorker()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    DatasetCatalog.Entry frappe = DatasetCatalog.get(DatasetCatalog.FRAPPE);
    RawBatch rows = RawRows.first(frappe.schema(), frappe.features(), frappe.splits(dataRoot).test(), BATCH);
    RawBatch[] singles = new RawBatch[BATCH];
    for (int i = 0; i < BATCH; i++) {
      singles[i] = RawRows.row(rows, i);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    try (ExportedModel model = ExportedModel.load(modelDir, SessionConfigs.threads(1, 1))) {
      for (int i = 0; i < 500; i++) {
        model.predict(singles[i % BATCH]);
      }
      double[] millis = new double[calls];
      for (int i = 0; i < calls; i++) {
        long start = System.nanoTime();
        model.predict(singles[i % BATCH]);
        millis[i] = (System.nanoTime() - start) / 1e6;
      }
      result.put("batch1_p50_ms", Stats.percentile(millis, 50));
      result.put("batch1_p99_ms", Stats.percentile(millis, 99));
      result.put("batch1_calls", calls);
      result.put("batch256_samples_per_s_1_thread", throughput(model, rows));
    }
    try (ExportedModel model = ExportedModel.load(modelDir, SessionConfigs.threads(2, 1))) {
      result.put("batch256_samples_per_s_2_threads", throughput(model, rows));
    }
    System.out.println(ChildJvm.RESULT + new Gson().toJson(result));
    return 0;
  }

  private double throughput(ExportedModel model, RawBatch rows) {
    for (int i = 0; i < 20; i++) {
      model.predict(rows);
    }
    double[] rates = new double[windows];
    for (int w = 0; w < windows; w++) {
      long start = System.nanoTime();
      int batches = 40;
      for (int i = 0; i < batches; i++) {
        model.predict(rows);
      }
      rates[w] = batches * (double) BATCH / ((System.nanoTime() - start) / 1e9);
    }
    return Stats.median(rates);
  }
}
