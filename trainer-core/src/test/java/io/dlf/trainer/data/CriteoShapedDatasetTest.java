package io.dlf.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.spec.FeatureKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code synthetic-criteo}: Criteo's schema and shape, exact sizes, the same bytes each time, streamed, learnable. */
class CriteoShapedDatasetTest {
  private static final Pattern COUNT = Pattern.compile("-?[0-9]+");
  private static final Pattern HASHED = Pattern.compile("[0-9a-f]{8}");

  @Test
  void theSchemaAndCellsAreCriteos(@TempDir Path dir) throws IOException {
    DatasetCatalog.Entry sample = DatasetCatalog.get(DatasetCatalog.CRITEO_SAMPLE);
    assertEquals(sample.schema(), GeneratedDatasets.schema(GeneratedDatasets.SYNTHETIC_CRITEO));
    assertEquals(13, sample.features().stream().filter(f -> f.kind() == FeatureKind.NUMERIC).count());
    assertEquals(26, sample.features().stream().filter(f -> f.kind() == FeatureKind.CATEGORICAL).count());

    DatasetSplits splits = new GeneratedDatasets(dir).splits("synthetic-criteo:2000", GenerationListener.NONE);
    List<String[]> rows = cells(splits.train());
    int[] missing = new int[40];
    for (String[] row : rows) {
      assertEquals(40, row.length, String.join("\t", row));
      assertTrue(row[0].equals("0") || row[0].equals("1"), row[0]);
      for (int c = 1; c < 40; c++) {
        if (row[c].isEmpty()) {
          missing[c]++;
        } else {
          assertTrue((c <= 13 ? COUNT : HASHED).matcher(row[c]).matches(), "column " + c + ": " + row[c]);
        }
      }
    }
    assertEquals(0, missing[2], "I2 is never missing");
    assertTrue(missing[12] > rows.size() / 2, "I12 mostly missing: " + missing[12]);
    assertTrue(rows.stream().anyMatch(r -> r[2].startsWith("-")), "I2 has Criteo's negatives");
    // the trainer's reader takes the files as they are, with the sample's features
    ReadReport read = new RowReader(sample.schema(), sample.features(), BadRows.FAIL).read(splits.validation(), r -> { });
    assertEquals(200, read.rows());
  }

  @Test
  void theRowCountIsExactAndSplit80To10To10(@TempDir Path dir) throws IOException {
    DatasetSplits splits = new GeneratedDatasets(dir).splits("synthetic-criteo:1234", GenerationListener.NONE);
    assertEquals(dir.resolve("synthetic-criteo-1234/train.tsv.gz"), splits.train());
    assertEquals(List.of(988, 123, 123), splits.all().stream().map(f -> cells(f).size()).toList());
  }

  @Test
  void theSameSeedAndSizesGiveTheSameBytes(@TempDir Path dir) throws IOException {
    DatasetSplits first = new CriteoShapedDataset(7).write(dir.resolve("a"), 3000, 300, 300);
    DatasetSplits again = new CriteoShapedDataset(7).write(dir.resolve("b"), 3000, 300, 300);
    DatasetSplits otherSeed = new CriteoShapedDataset(8).write(dir.resolve("c"), 3000, 300, 300);
    for (int s = 0; s < 3; s++) {
      assertArrayEquals(Files.readAllBytes(first.all().get(s)), Files.readAllBytes(again.all().get(s)));
      assertFalse(Arrays.equals(Files.readAllBytes(first.all().get(s)), Files.readAllBytes(otherSeed.all().get(s))));
    }
  }

  @Test
  void rowCountsOutOfBoundsAreRefusedNamingTheBounds() {
    for (String name : List.of("synthetic-criteo:9", "synthetic-criteo:100000001", "synthetic-criteo:",
        "synthetic-criteo:-5", "synthetic-criteo:1e6", "synthetic-frappe:100")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GeneratedDatasets.schema(name));
      assertTrue(e.getMessage().contains(name.startsWith("synthetic-frappe") ? "takes no row count" : "from 10 to 100000000"),
          e.getMessage());
    }
    assertTrue(GeneratedDatasets.has("Synthetic-Criteo:100000000"));
  }

  /**
   * Rows go out as they are drawn: the stream gets buffer-sized writes all along, and drawing ten
   * times the rows allocates no more (holding rows would cost hundreds of bytes each).
   */
  @Test
  void rowsAreStreamedInBoundedMemory() throws IOException {
    CriteoShapedDataset dataset = new CriteoShapedDataset(1);
    dataset.writeRows(OutputStream.nullOutputStream(), 1000, 1, GenerationListener.NONE); // warm up
    WriteCounter few = new WriteCounter();
    long fewAllocated = allocatedWhile(() -> dataset.writeRows(few, 10_000, 1, GenerationListener.NONE));
    WriteCounter many = new WriteCounter();
    long manyAllocated = allocatedWhile(() -> dataset.writeRows(many, 100_000, 1, GenerationListener.NONE));

    assertTrue(many.largest <= AsciiOut.BUFFER_BYTES, "largest write " + many.largest);
    assertTrue(many.writes >= many.bytes / AsciiOut.BUFFER_BYTES, many.writes + " writes of " + many.bytes + " bytes");
    assertTrue(many.bytes > 9 * few.bytes, many.bytes + " vs " + few.bytes);
    assertTrue(manyAllocated - fewAllocated < 4 << 20,
        "90,000 more rows allocated " + (manyAllocated - fewAllocated) + " more bytes");
  }

  /**
   * A planted signal: a logistic regression on hashed one-hot values (numbers bucketed by log)
   * trained on 20,000 rows ranks the validation rows clearly better than chance, at about Criteo's
   * click rate.
   */
  @Test
  void aModelCanLearnTheSignal(@TempDir Path dir) throws IOException {
    DatasetSplits splits = new CriteoShapedDataset(3).write(dir, 20_000, 5_000, 1);
    List<String[]> train = cells(splits.train());
    List<String[]> validation = cells(splits.validation());
    double clickRate = train.stream().mapToInt(r -> Integer.parseInt(r[0])).average().orElseThrow();
    assertTrue(clickRate > 0.22 && clickRate < 0.28, "click rate " + clickRate);

    double[] weights = new double[1 << 18];
    for (int epoch = 0; epoch < 3; epoch++) {
      for (String[] row : train) {
        int[] active = hashed(row);
        double gradient = sigmoid(score(weights, active)) - Integer.parseInt(row[0]);
        for (int i : active) {
          weights[i] -= 0.05 * gradient;
        }
      }
    }
    double[] scores = validation.stream().mapToDouble(r -> score(weights, hashed(r))).toArray();
    int[] labels = validation.stream().mapToInt(r -> Integer.parseInt(r[0])).toArray();
    double auc = auc(scores, labels);
    assertTrue(auc > 0.65, "validation AUC " + auc);
  }

  private static int[] hashed(String[] row) {
    int[] active = new int[row.length];
    for (int c = 1; c < row.length; c++) {
      String value = row[c];
      if (c <= 13 && !value.isEmpty()) {
        long count = Long.parseLong(value);
        value = count < 0 ? value : Integer.toString((int) Math.round(Math.log1p(count) * 2));
      }
      active[c - 1] = Math.floorMod((c + ":" + value).hashCode() * 0x9e3779b9, 1 << 18);
    }
    active[row.length - 1] = 0; // the bias
    return active;
  }

  private static double score(double[] weights, int[] active) {
    double sum = 0;
    for (int i : active) {
      sum += weights[i];
    }
    return sum;
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  /** The chance that a random positive scores above a random negative (ties count half). */
  private static double auc(double[] scores, int[] labels) {
    long pairs = 0;
    double wins = 0;
    for (int i = 0; i < scores.length; i++) {
      for (int j = 0; j < scores.length; j++) {
        if (labels[i] == 1 && labels[j] == 0) {
          pairs++;
          wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
        }
      }
    }
    return wins / pairs;
  }

  private static List<String[]> cells(Path gzip) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gzip)),
        StandardCharsets.US_ASCII))) {
      List<String[]> rows = new ArrayList<>();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        rows.add(line.split("\t", -1));
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FunctionalInterface
  private interface Writing {
    void run() throws IOException;
  }

  private static long allocatedWhile(Writing writing) throws IOException {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    writing.run();
    return threads.getCurrentThreadAllocatedBytes() - before;
  }

  /** Counts what reaches the stream, dropping it. */
  private static final class WriteCounter extends OutputStream {
    long writes;
    long bytes;
    int largest;

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      writes++;
      bytes += len;
      largest = Math.max(largest, len);
    }
  }

  @Test
  void vocabulariesNameEachCategoricalColumnInOrder() {
    List<String> categorical = new CriteoShapedDataset(1).features().stream()
        .filter(f -> f.kind() == FeatureKind.CATEGORICAL).map(f -> f.name()).toList();
    assertEquals(categorical, List.copyOf(CriteoShapedDataset.vocabularies().keySet()));
    assertEquals(3, CriteoShapedDataset.vocabularies().get("C9"));
    assertEquals(10_131_227, CriteoShapedDataset.vocabularies().get("C3"));
  }
}
