package io.dlf.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Histories come from earlier training positives only; validation and test labels never enter one. */
class FrappeHistoryTest {
  private static final String CONTEXT = " 20:1 21:1 22:1 23:1 24:1 25:1 26:1 27:1";

  @Test
  void historiesUseEarlierTrainingPositivesOnly(@TempDir Path dir) throws IOException {
    DatasetSplits source = new DatasetSplits(
        libFm(dir, "train", "1 1:1 10:1", "-1 1:1 11:1", "1 1:1 12:1", "1 2:1 10:1", "1 1:1 10:1", "1 1:1 13:1"),
        libFm(dir, "validation", "1 1:1 900:1", "1 3:1 901:1", "-1 1:1 10:1"),
        libFm(dir, "test", "1 1:1 902:1", "1 2:1 903:1"));
    DatasetSplits out = FrappeHistory.write(source, dir.resolve("out"), 2);

    // a row sees the positives before it: the negative 11 never, a repeated 10 moves to the recent end, two kept
    assertEquals(List.of("", "10", "10", "", "10|12", "12|10"), histories(out.train()));
    // evaluation rows see all of their user's training positives, and nothing of each other's
    assertEquals(List.of("10|13", "", "10|13"), histories(out.validation()));
    assertEquals(List.of("10|13", "10"), histories(out.test()));
    for (Path file : out.all()) {
      for (String history : histories(file)) {
        for (String evaluationItem : List.of("900", "901", "902", "903")) {
          assertFalse(Arrays.asList(history.split("\\|")).contains(evaluationItem), file + ": " + history);
        }
      }
    }
  }

  @Test
  void aDerivedRowKeepsTheLabelTheFieldsAndAddsTheHistory(@TempDir Path dir) throws Exception {
    DatasetSplits source = new DatasetSplits(libFm(dir, "train", "1 1:1 10:1", "-1 1:1 11:1"),
        libFm(dir, "validation", "1 1:1 10:1"), libFm(dir, "test", "-1 2:1 10:1"));
    DatasetSplits out = FrappeHistory.write(source, dir.resolve("out"), 3);
    assertEquals(DatasetCatalog.FRAPPE_FIELDS.size() + 2, FrappeHistory.schema().columns().size());
    assertEquals("1\t1\t10\t20\t21\t22\t23\t24\t25\t26\t27\t10", Files.readAllLines(out.validation()).get(1));
  }

  private static Path libFm(Path dir, String name, String... rows) throws IOException {
    Path file = dir.resolve(name + ".libfm");
    Files.write(file, Arrays.stream(rows).map(r -> r + CONTEXT).toList());
    return file;
  }

  private static List<String> histories(Path tsv) throws IOException {
    List<String> lines = Files.readAllLines(tsv);
    return lines.subList(1, lines.size()).stream().map(l -> l.substring(l.lastIndexOf('\t') + 1)).toList();
  }
}
