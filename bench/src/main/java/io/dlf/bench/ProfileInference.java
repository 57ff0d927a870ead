package io.dlf.bench;

import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.export.ExportedModel;
import io.dlf.serving.model.TensorFlowModelLoader;
import io.dlf.trainer.data.DatasetCatalog;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Where a served prediction's time goes: an exported Frappe model loaded as the serving server loads
 * it (frozen, at its stored precision, ops on the calling thread), warmed up on Frappe's test rows, then one
 * call traced at the given batch size, by op type and by op.
 */
@Command(name = "profile-inference", mixinStandardHelpOptions = true)
public final class ProfileInference implements Callable<Integer> {
  @Option(names = "--model-dir", required = true, description = "a version folder") Path modelDir;
  @Option(names = "--data-root", defaultValue = "../shared/data") Path dataRoot;
  @Option(names = "--batch", defaultValue = "1") int batch;
  @Option(names = "--intra", defaultValue = "1") int intra;
  @Option(names = "--warmup", defaultValue = "500") int warmup;
  @Option(names = "--top", defaultValue = "25") int top;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ProfileInference()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    DatasetCatalog.Entry frappe = DatasetCatalog.get(DatasetCatalog.FRAPPE);
    RawBatch rows = RawRows.first(frappe.schema(), frappe.features(), frappe.splits(dataRoot).test(), batch);
    try (ExportedModel model = ExportedModel.loadFrozen(modelDir, TensorFlowModelLoader.sessionConfig(intra, -1))) {
      long start = System.nanoTime();
      for (int i = 0; i < warmup; i++) {
        model.predict(rows);
      }
      System.out.printf("%s at %s, batch %d: %.3f ms per call over %d untraced calls%n", modelDir,
          model.precision(), batch, (System.nanoTime() - start) / 1e6 / warmup, warmup);
      OpTimes.of(model.traced(rows).getStepStats(), OpTimes::labelledType).print(top);
    }
    return 0;
  }
}
