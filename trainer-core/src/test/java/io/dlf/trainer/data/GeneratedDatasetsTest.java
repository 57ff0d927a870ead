package io.dlf.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.Presets;
import io.dlf.dsl.plan.DataSize;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.ModelSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where generated datasets go, what admission may assume of them before they exist, and writers that race. */
class GeneratedDatasetsTest {

  @Test
  void locationNamesTheFilesWithoutWritingThem(@TempDir Path dir) throws IOException {
    DatasetSplits location = new GeneratedDatasets(dir).location("synthetic-criteo:50000000");
    assertEquals(dir.resolve("synthetic-criteo-50000000/train.tsv.gz"), location.train());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void theBoundsHaveTheExactRowsAndNoLessTextThanWritten(@TempDir Path dir) throws IOException {
    GeneratedDatasets datasets = new GeneratedDatasets(dir);
    for (String name : List.of("synthetic-frappe", "synthetic-history", "synthetic-criteo:20000")) {
      ModelSpec spec = Presets.dlfPaper(new Presets.Size(4, 1, 4, 2, 16)).name("bounds")
          .features(DatasetCatalog.FRAPPE_FIELDS.stream().map(Feature::categorical).toList()).build();
      DataSize bounds = GeneratedDatasets.bounds(name, ModelPlan.of(spec));
      List<Long> counted = new ArrayList<>();
      DatasetSplits splits = datasets.splits(name, new GenerationListener() {
        @Override
        public void splitStarted(String split, Path file) {
          counted.add(0L);
        }

        @Override
        public void row() {
          counted.set(counted.size() - 1, counted.get(counted.size() - 1) + 1);
        }

        @Override
        public void splitFinished() {}
      });
      assertEquals(List.of(bounds.trainRows(), bounds.validationRows(), bounds.testRows()), counted, name);
      long text = uncompressedBytes(splits.train());
      assertTrue(text <= bounds.tokenBytes(), name + ": " + text + " bytes written, bounded by " + bounds.tokenBytes());
    }
  }

  /** Two writers at once, each past its first row before either renames: both get the same complete files. */
  @Test
  void writersThatRaceBothSucceedAndTheFirstRenameWins(@TempDir Path dir) throws Exception {
    CyclicBarrier bothWriting = new CyclicBarrier(2);
    List<CompletableFuture<DatasetSplits>> writers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      writers.add(CompletableFuture.supplyAsync(() -> {
        try {
          return new GeneratedDatasets(dir).splits("synthetic-criteo:3000", new WaitAtFirstRow(bothWriting));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }));
    }
    DatasetSplits first = writers.get(0).get(2, TimeUnit.MINUTES);
    assertEquals(first, writers.get(1).get(2, TimeUnit.MINUTES));
    DatasetSplits alone = new GeneratedDatasets(dir.resolve("alone")).splits("synthetic-criteo:3000",
        GenerationListener.NONE);
    for (int s = 0; s < 3; s++) {
      assertArrayEquals(Files.readAllBytes(alone.all().get(s)), Files.readAllBytes(first.all().get(s)));
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of("alone", "synthetic-criteo-3000"),
          files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary folder left");
    }
  }

  @Test
  void aTemporaryFolderOfAProcessThatDiedIsDeletedByTheNextWriter(@TempDir Path dir) throws Exception {
    Process gone = new ProcessBuilder("true").start();
    assertTrue(gone.waitFor(1, TimeUnit.MINUTES));
    Path abandoned = Files.createDirectories(dir.resolve("synthetic-criteo-1000.tmp-" + gone.pid() + "-123"));
    Files.writeString(abandoned.resolve("train.tsv.gz"), "half");
    Path running = Files.createDirectories(dir.resolve("synthetic-criteo-1000.tmp-" + ProcessHandle.current().pid()
        + "-456"));

    new GeneratedDatasets(dir).splits("synthetic-criteo:1000", GenerationListener.NONE);

    assertFalse(Files.exists(abandoned), "its writer is gone");
    assertTrue(Files.isDirectory(running), "its writer still runs");
  }

  private static long uncompressedBytes(Path file) throws IOException {
    try (InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(file))
        : Files.newInputStream(file)) {
      return in.transferTo(OutputStream.nullOutputStream());
    }
  }

  /** Holds each writer at its first row until the other is there too. */
  private static final class WaitAtFirstRow implements GenerationListener {
    private final CyclicBarrier barrier;
    private boolean waited;

    WaitAtFirstRow(CyclicBarrier barrier) {
      this.barrier = barrier;
    }

    @Override
    public void splitStarted(String split, Path file) {}

    @Override
    public void row() {
      if (!waited) {
        waited = true;
        try {
          barrier.await(1, TimeUnit.MINUTES);
        } catch (Exception e) {
          throw new IllegalStateException("the other writer never started", e);
        }
      }
    }

    @Override
    public void splitFinished() {}
  }
}
