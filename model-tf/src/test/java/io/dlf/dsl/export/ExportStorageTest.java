package io.dlf.dsl.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.encode.Vocabularies;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.testing.ExportedVersions;
import io.dlf.dsl.testing.Tmpfs;
import io.dlf.proto.model.v1.TrainingMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.exceptions.TFResourceExhaustedException;
import org.tensorflow.proto.ConfigProto;

/**
 * An export that cannot write its version says why in words (the model's folder, the bytes the
 * version needs and the bytes free there) and leaves nothing behind; the space it checks for
 * covers what it writes.
 */
class ExportStorageTest {
  private static final ConfigProto CONFIG = SessionConfigs.threads(1, 1);
  private static final ModelSpec SPEC = ExportedVersions.SMALL;
  private static final Vocabularies VOCABULARIES = ExportedVersions.SMALL_VOCABULARIES;

  @TempDir
  Path dir;
  private String checkpoint;

  @BeforeEach
  void saveCheckpoint() throws IOException {
    Files.createDirectories(dir.resolve("checkpoint"));
    checkpoint = ExportedVersions.initialCheckpoint(SPEC, VOCABULARIES, 3, dir.resolve("checkpoint"));
  }

  @Test
  void aVersionLargerThanTheFreeSpaceIsRefusedBeforeAnythingIsWritten() throws Exception {
    ModelRepository repository = new ModelRepository(dir.resolve("models"));
    ExportStorageException e = assertThrows(ExportStorageException.class,
        () -> new ModelExporter(repository, CONFIG, folder -> 100_000).export(request("ctr")));

    assertEquals(ExportStorageException.Reason.NO_SPACE, e.reason());
    assertEquals(repository.modelDir("ctr"), e.folder());
    assertEquals(100_000, e.freeBytes());
    assertTrue(e.neededBytes() > 100_000, "needs " + e.neededBytes());
    assertTrue(e.getMessage().startsWith("not enough space in " + repository.modelDir("ctr") + " to export the "
        + "model: the version needs about " + String.format("%,d", e.neededBytes()) + " bytes"), e.getMessage());
    assertTrue(e.getMessage().endsWith("and 100,000 bytes (97.7 KiB) are free there"), e.getMessage());
    assertFalse(Files.exists(repository.modelDir("ctr")), "nothing written");
  }

  /** Every kind of model with a large vocabulary; the first two (DLF's large graph, FM's small one) with a tiny one too. */
  static Stream<Arguments> specsAndVocabularySizes() {
    return Stream.concat(ExportRoundTripTest.exportedSpecs().map(spec -> Arguments.of(spec, 2_000)),
        ExportRoundTripTest.exportedSpecs().limit(2).map(spec -> Arguments.of(spec, 5)));
  }

  /** What the exporter asks for (it refuses when nothing is free) against what it writes when there is room. */
  @ParameterizedTest
  @MethodSource("specsAndVocabularySizes")
  void theSpaceAVersionNeedsCoversWhatItTakes(ModelSpec spec, int tokens) throws Exception {
    Vocabularies vocabularies = ExportedVersions.syntheticVocabularies(Map.of("user", tokens + 2, "item", tokens + 2));
    Path work = Files.createDirectories(dir.resolve("work"));
    String initial = ExportedVersions.initialCheckpoint(spec, vocabularies, 3, work);
    ModelExporter.Request request = new ModelExporter.Request("ctr", spec, vocabularies, initial,
        TrainingMetrics.getDefaultInstance(), "", 3);
    ModelRepository repository = new ModelRepository(dir.resolve("models"));
    long needed = assertThrows(ExportStorageException.class,
        () -> new ModelExporter(repository, CONFIG, folder -> 0).export(request)).neededBytes();

    long version = new ModelExporter(repository, CONFIG).export(request);
    long written;
    try (Stream<Path> files = Files.walk(repository.versionDir("ctr", version))) {
      written = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    assertTrue(needed >= written, "needs " + needed + ", wrote " + written);
    assertTrue(needed <= written * 1.3 + 64 * 1024, "needs " + needed + ", wrote only " + written);
  }

  /**
   * The disk fills up while the version is written (the check before had a stale answer): at 16
   * KiB while TensorFlow's native code writes the variables, at 128 KiB while Java writes the graph.
   */
  @ParameterizedTest
  @ValueSource(ints = {16 * 1024, 128 * 1024})
  void aDiskThatFillsUpWhileTheVersionIsWrittenFailsInWordsAndKeepsNothing(int diskBytes) throws Exception {
    Path models = Files.createDirectories(dir.resolve("models"));
    Optional<Tmpfs> disk = Tmpfs.mount(models, diskBytes);
    assumeTrue(disk.isPresent(), "mounting a tmpfs needs root and the right to mount");
    try (Tmpfs small = disk.get()) {
      ModelRepository repository = new ModelRepository(models);
      ExportStorageException e = assertThrows(ExportStorageException.class,
          () -> new ModelExporter(repository, CONFIG, new StaleFirstAnswer()).export(request("ctr")));

      assertEquals(ExportStorageException.Reason.NO_SPACE, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains("the version needs about"), e.getMessage());
      assertTrue(e.freeBytes() < e.neededBytes(), e.getMessage());
      assertTrue(e.getCause().getMessage().contains("No space left on device"), e.getCause().toString());
      assertFalse(e.getMessage().contains("Hint"), e.getMessage());
      try (Stream<Path> left = Files.list(repository.modelDir("ctr"))) {
        assertEquals(List.of(), left.toList(), "the staging folder is removed");
      }
      assertEquals(diskBytes, Files.getFileStore(small.dir()).getUsableSpace(), "its space is back");
    }
  }

  @Test
  void aReadOnlyRepositoryFailsInWords() throws Exception {
    Path models = Files.createDirectories(dir.resolve("models"));
    Optional<Tmpfs> disk = Tmpfs.mountReadOnly(models);
    assumeTrue(disk.isPresent(), "mounting a tmpfs needs root and the right to mount");
    try (Tmpfs readOnly = disk.get()) {
      ExportStorageException e = assertThrows(ExportStorageException.class,
          () -> new ModelExporter(new ModelRepository(readOnly.dir()), CONFIG).export(request("ctr")));

      assertEquals(ExportStorageException.Reason.NOT_WRITABLE, e.reason());
      assertTrue(e.getMessage().startsWith("cannot write the export into " + models.resolve("ctr")
          + ": it is on a read-only file system"), e.getMessage());
    }
  }

  @Test
  void aFileWhereTheModelsFolderMustBeFailsInWords() throws Exception {
    Path models = Files.createDirectories(dir.resolve("models"));
    Files.writeString(models.resolve("ctr"), "not a folder");
    ExportStorageException e = assertThrows(ExportStorageException.class,
        () -> new ModelExporter(new ModelRepository(models), CONFIG).export(request("ctr")));

    assertEquals(ExportStorageException.Reason.NOT_WRITABLE, e.reason());
    assertTrue(e.getMessage().startsWith("cannot write the export into " + models.resolve("ctr") + ": "
        + models.resolve("ctr") + " is in the way: a file where a folder must be"), e.getMessage());
  }

  /** The error the user saw, word for word up to the paths: no space, and none of TensorFlow's hints. */
  @Test
  void tensorFlowsOutOfSpaceErrorReadsAsNoSpace() {
    TFResourceExhaustedException error = new TFResourceExhaustedException("/data/models/dlf/.staging-123/saved_model/"
        + "variables/variables.data-00000-of-00001.tempstate456; No space left on device\n\t [[{{node save/SaveV2}}]]\n"
        + "Hint: If you want to see a list of allocated tensors when OOM happens, add report_tensor_allocations_upon_oom "
        + "to RunOptions for current allocation info.");
    ExportStorageException e = StorageFailures.of(error, Path.of("/data/models/dlf"), 1_500_000, folder -> 600 * 1024)
        .orElseThrow();

    assertEquals(ExportStorageException.Reason.NO_SPACE, e.reason());
    assertEquals("not enough space in /data/models/dlf to export the model: the version needs about 1,500,000 "
        + "bytes (1.4 MiB) and 614,400 bytes (600.0 KiB) are free there", e.getMessage());
    assertEquals(Optional.empty(), StorageFailures.of(new IllegalStateException("a bug"), Path.of("/m"), 1,
        folder -> 1));
  }

  /** Plenty of room at the check before writing, then the file system's own answer. */
  private static final class StaleFirstAnswer implements FreeSpace {
    private boolean asked;

    @Override
    public long usableBytes(Path folder) throws IOException {
      if (!asked) {
        asked = true;
        return Long.MAX_VALUE;
      }
      return FreeSpace.ofFileSystem().usableBytes(folder);
    }
  }

  private ModelExporter.Request request(String model) {
    return new ModelExporter.Request(model, SPEC, VOCABULARIES, checkpoint, TrainingMetrics.getDefaultInstance(),
        "", 3);
  }
}
