package io.dlf.trainer.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.Presets;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.spec.NumericTransform;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DataException;
import io.dlf.trainer.data.DatasetSplits;
import io.dlf.trainer.data.SyntheticDataset;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prepared-data folders: exact shards, reproducible streamed epochs, reuse, and every way they can go wrong. */
class PreparedDataCacheTest {
  private static final List<Feature> FEATURES = List.of(
      Feature.categorical("site"), Feature.categorical("ad").hashBuckets(50),
      Feature.numeric("count").transform(NumericTransform.LOG1P), Feature.numeric("bucketized")
          .transform(NumericTransform.CRITEO_LOG_SQUARED_BUCKET), Feature.sequence("recent", 5));
  /** Small shards, so that every split has several. */
  private static final int SHARD_ROWS = 700;

  @TempDir Path dir;
  private SyntheticDataset synthetic;
  private DatasetSplits splits;
  private ModelSpec spec;
  private Path root;

  @BeforeEach
  void generate() throws IOException {
    synthetic = new SyntheticDataset(FEATURES, 3);
    splits = synthetic.write(dir.resolve("data"), 5_000, 1_000, 1_000);
    spec = Presets.dlfPaper(new Presets.Size(8, 2, 4, 4, 32)).features(FEATURES).build();
    root = dir.resolve("prepared");
  }

  private PreparedData prepare(PreparationListener listener) throws IOException {
    return new PreparedDataCache(root, FreeSpace.OF_FILE_STORE, SHARD_ROWS)
        .prepare(spec, synthetic.schema(), splits, BadRows.FAIL, listener);
  }

  @Test
  void shardsHoldExactlyTheRowsEncodedInMemory() throws IOException {
    PreparedData inMemory = DataPreparation.prepare(spec, synthetic.schema(), splits, BadRows.FAIL);
    PreparedData sharded = prepare(PreparationListener.NONE);
    assertEquals(inMemory.vocabularies().toJson(), sharded.vocabularies().toJson());
    assertEquals(inMemory.layout(), sharded.layout());
    try (Stream<Path> files = Files.list(onlyFolder())) {
      assertEquals(8 + 2 + 2, files.filter(f -> f.toString().endsWith(".bin")).count(), "5000/700 + 2 x 1000/700");
    }
    for (Split s : Split.values()) {
      assertEquals(s.of(inMemory).size(), s.of(sharded).size());
      assertEquals(rowsOf(s.of(inMemory).inOrder(64)), rowsOf(s.of(sharded).inOrder(64)), s.name());
    }
  }

  @Test
  void aResumedEpochReadsTheSameBatchesAsOneThatNeverStopped() throws IOException {
    EncodedSplit train = prepare(PreparationListener.NONE).train();
    List<String> whole = batchesOf(train.epoch(7, 2, 100, 0));
    assertEquals(50, whole.size());
    assertEquals(whole.subList(17, 50), batchesOf(train.epoch(7, 2, 100, 17)));
    assertEquals(whole, batchesOf(train.epoch(7, 2, 100, 0)), "the same seed and epoch, the same batches");
    assertNotEquals(whole, batchesOf(train.epoch(7, 3, 100, 0)), "another epoch, another order");
    List<String> shuffled = rowsOf(train.epoch(7, 2, 100, 0));
    List<String> inOrder = rowsOf(train.inOrder(100));
    assertNotEquals(inOrder, shuffled);
    assertEquals(sorted(inOrder), sorted(shuffled), "every row once per epoch");
  }

  @Test
  void preparedDataIsReusedAndPreparedAgainWhenASourceChanges() throws IOException {
    prepare(PreparationListener.NONE);
    Path first = onlyFolder();
    FileTime written = Files.getLastModifiedTime(first.resolve("train-00000.bin"));
    List<PreparationProgress> again = new ArrayList<>();
    PreparedData reused = prepare(again::add);
    assertEquals(List.of(), again, "nothing is read or written again");
    assertEquals(first, onlyFolder());
    assertEquals(written, Files.getLastModifiedTime(first.resolve("train-00000.bin")));
    assertEquals(5_000, reused.train().size());

    Files.copy(splits.validation(), splits.train(), StandardCopyOption.REPLACE_EXISTING);
    List<PreparationProgress> rebuilt = new ArrayList<>();
    PreparedData changed = prepare(rebuilt::add);
    assertEquals(1_000, changed.train().size());
    assertTrue(rebuilt.stream().anyMatch(p -> p.stage() == PreparationProgress.Stage.SHARDS), rebuilt.toString());
    try (Stream<Path> folders = Files.list(root)) {
      assertEquals(2, folders.count(), "a new folder beside the old one");
    }
  }

  @Test
  void aTruncatedShardIsNamedWhenTheDataIsOpened() throws IOException {
    prepare(PreparationListener.NONE);
    Path shard = onlyFolder().resolve("train-00003.bin");
    try (RandomAccessFile file = new RandomAccessFile(shard.toFile(), "rw")) {
      file.setLength(file.length() - 10);
    }
    DataException e = assertThrows(DataException.class, () -> prepare(PreparationListener.NONE));
    assertEquals(shard.toString(), e.file());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void aCorruptedShardStopsTheEpochBeforeAnyOfItsRowsIsUsed() throws IOException {
    EncodedSplit validation = prepare(PreparationListener.NONE).validation();
    Path shard = onlyFolder().resolve("validation-00000.bin");
    byte[] bytes = Files.readAllBytes(shard);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(shard, bytes);
    List<LabeledBatch> read = new ArrayList<>();
    DataException e;
    try (BatchStream batches = validation.inOrder(50)) {
      e = assertThrows(DataException.class, () -> {
        for (LabeledBatch b = batches.next(); b != null; b = batches.next()) {
          read.add(b);
        }
      });
    }
    assertEquals(shard.toString(), e.file());
    assertTrue(e.getMessage().contains("CRC32C"), e.getMessage());
    assertEquals(List.of(), read, "the damaged shard is the first: no batch came before the error");
  }

  @Test
  void aFullDiskFailsNamingTheFolderAndTheBytesNeededAndLeavesNothingBehind() throws IOException {
    PreparationSpaceException e = assertThrows(PreparationSpaceException.class, () ->
        new PreparedDataCache(root, folder -> 4096, SHARD_ROWS)
            .prepare(spec, synthetic.schema(), splits, BadRows.FAIL, PreparationListener.NONE));
    assertEquals(root, e.folder());
    assertEquals(4096, e.freeBytes());
    long rowBytes = 4L * (1 + 3 + 1 + 5);
    assertTrue(e.neededBytes() >= 7_000 * rowBytes, e.neededBytes() + " bytes");
    assertTrue(e.getMessage().contains(root.toString()) && e.getMessage().contains(e.neededBytes() + " bytes"),
        e.getMessage());
    try (Stream<Path> left = Files.list(root)) {
      assertEquals(List.of(), left.toList());
    }
  }

  @Test
  void aSourceThatChangesDuringPreparationFailsTheJobAndNothingIsKept() throws IOException {
    PreparationListener appendToTrain = progress -> {
      if (progress.split().equals("test") && progress.rows() == 0) {
        try {
          Files.writeString(splits.train(), "1\tsite_1\tad_1\t1\t1\t\n", StandardCharsets.UTF_8,
              StandardOpenOption.APPEND);
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      }
    };
    DataException e = assertThrows(DataException.class, () -> prepare(appendToTrain));
    assertEquals(splits.train().toString(), e.file());
    assertTrue(e.getMessage().contains("changed while the data was prepared"), e.getMessage());
    try (Stream<Path> left = Files.list(root)) {
      assertEquals(List.of(), left.toList());
    }
  }

  @Test
  void rowsWithTheWrongFieldCountAreNamedOrSkippedAndCounted() throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(splits.train()));
    lines.set(1234, "1\tsite_1\tonly three");
    Files.write(splits.train(), lines);
    DataException e = assertThrows(DataException.class, () -> prepare(PreparationListener.NONE));
    assertEquals(splits.train().toString(), e.file());
    assertEquals(1235, e.line());
    PreparedData skipped = new PreparedDataCache(root, FreeSpace.OF_FILE_STORE, SHARD_ROWS)
        .prepare(spec, synthetic.schema(), splits, BadRows.SKIP, PreparationListener.NONE);
    assertEquals(4_999, skipped.train().size());
    assertEquals(1, skipped.skippedRows());
    assertTrue(skipped.train().report().firstProblems().get(0).contains("train.tsv:1235"),
        skipped.train().report().firstProblems().toString());
    PreparedData reused = new PreparedDataCache(root, FreeSpace.OF_FILE_STORE, SHARD_ROWS)
        .prepare(spec, synthetic.schema(), splits, BadRows.SKIP, PreparationListener.NONE);
    assertEquals(skipped.train().report(), reused.train().report(), "the count is kept with the shards");
  }

  private Path onlyFolder() throws IOException {
    try (Stream<Path> folders = Files.list(root)) {
      List<Path> all = folders.toList();
      assertEquals(1, all.size(), all.toString());
      assertFalse(all.get(0).getFileName().toString().startsWith("."));
      return all.get(0);
    }
  }

  private enum Split {
    TRAIN, VALIDATION, TEST;

    EncodedSplit of(PreparedData data) {
      return switch (this) {
        case TRAIN -> data.train();
        case VALIDATION -> data.validation();
        case TEST -> data.test();
      };
    }
  }

  /** Every row of the stream as text: label, ids, values (NaN included) and sequence ids. */
  private static List<String> rowsOf(BatchStream stream) {
    List<String> rows = new ArrayList<>();
    try (stream) {
      for (LabeledBatch b = stream.next(); b != null; b = stream.next()) {
        int n = b.labels().length;
        int c = b.inputs().categorical().length / n;
        int v = b.inputs().numeric().length / n;
        int[] recent = b.inputs().sequences().get("recent");
        for (int r = 0; r < n; r++) {
          rows.add(b.labels()[r] + " " + Arrays.toString(Arrays.copyOfRange(b.inputs().categorical(), r * c, r * c + c))
              + " " + Arrays.toString(Arrays.copyOfRange(b.inputs().numeric(), r * v, r * v + v))
              + " " + Arrays.toString(Arrays.copyOfRange(recent, r * 5, r * 5 + 5)));
        }
      }
    }
    return rows;
  }

  private static List<String> batchesOf(BatchStream stream) {
    List<String> batches = new ArrayList<>();
    try (stream) {
      for (LabeledBatch b = stream.next(); b != null; b = stream.next()) {
        batches.add(Arrays.toString(b.labels()) + Arrays.toString(b.inputs().categorical())
            + Arrays.toString(b.inputs().numeric()) + Arrays.toString(b.inputs().sequences().get("recent")));
      }
    }
    return batches;
  }

  private static List<String> sorted(List<String> rows) {
    return rows.stream().sorted().toList();
  }
}
