package io.dlf.trainer.server.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dlf.dsl.Presets;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.testing.RequiresDataset;
import io.dlf.dsl.testing.TestData;
import io.dlf.proto.trainer.v1.DatasetRef;
import io.dlf.trainer.data.DatasetCatalog;
import io.dlf.trainer.data.FrappeHistory;
import io.dlf.trainer.data.GeneratedDatasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog's derived frappe-history resolves to files the trainer writes once from Frappe's splits. */
@RequiresDataset("frappe")
class FrappeHistoryResolutionTest {
  @Test
  void theNameResolvesToDerivedFilesUnderTheDatasetsFolder(@TempDir Path dir) throws Exception {
    DatasetResolver resolver = new DatasetResolver(new DataRoots(List.of(TestData.root())), new GeneratedDatasets(dir));
    ModelSpec spec = Presets.interFormer().features(DatasetCatalog.get(DatasetCatalog.FRAPPE_HISTORY).features())
        .interFormer(i -> i.sequence(FrappeHistory.HISTORY)).build();

    ResolvedDataset dataset = resolver.resolve(DatasetRef.newBuilder().setName("frappe-history").build(), spec);

    assertEquals(FrappeHistory.schema(), dataset.schema());
    assertEquals(dir.resolve("frappe-history/train.tsv"), dataset.splits().train());
    // a header and Frappe's 57,722 validation rows
    assertEquals(57_723, Files.readAllLines(dataset.splits().validation()).size());
    assertEquals(List.of(dir.resolve("frappe-history")), Files.list(dir).toList(), "no temporary folder left");
  }
}
