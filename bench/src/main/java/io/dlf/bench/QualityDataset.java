package io.dlf.bench;

import io.dlf.dsl.Presets;
import io.dlf.dsl.spec.ModelSpecBuilder;
import io.dlf.trainer.data.DatasetCatalog;
import io.dlf.trainer.data.DatasetSplits;
import io.dlf.trainer.data.FrappeHistory;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The Frappe data a preset trains on. InterFormer exists to read a behaviour sequence, so it trains
 * on frappe-history: the same splits and fields plus each user's positive items from the training
 * split. Every other preset trains on plain Frappe.
 */
record QualityDataset(DatasetCatalog.Entry entry, boolean readsHistory) {

  static QualityDataset of(String preset) {
    return preset.equals(Presets.INTERFORMER)
        ? new QualityDataset(DatasetCatalog.get(DatasetCatalog.FRAPPE_HISTORY), true)
        : new QualityDataset(DatasetCatalog.get(DatasetCatalog.FRAPPE), false);
  }

  /** Declares the dataset's features on a preset, and for InterFormer names the history as its sequence. */
  ModelSpecBuilder declare(ModelSpecBuilder preset) {
    preset.features(entry.features());
    return readsHistory ? preset.interFormer(i -> i.sequence(FrappeHistory.HISTORY)) : preset;
  }

  /** The split files, a derived dataset's written (once per call) under {@code workDir}. */
  DatasetSplits splits(Path dataRoot, Path workDir) throws IOException {
    DatasetSplits source = entry.splits(dataRoot);
    return entry.derivation().isPresent()
        ? entry.derivation().get().write(source, workDir.resolve(entry.name()))
        : source;
  }
}
