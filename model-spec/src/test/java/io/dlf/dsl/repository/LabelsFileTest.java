package io.dlf.dsl.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.proto.model.v1.ModelLabels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelsFileTest {
  @TempDir
  Path root;

  private LabelsFile labels;

  @BeforeEach
  void modelFolder() throws IOException {
    ModelRepository repository = new ModelRepository(root);
    Files.createDirectories(repository.modelDir("ctr"));
    labels = new LabelsFile(repository);
  }

  @Test
  void aModelWithoutTheFileHasNoLabelsAndTheFirstWriteStartsFromTheInitialOnes() throws IOException {
    assertEquals(Optional.empty(), labels.read("ctr"));
    ModelLabels written = labels.update("ctr", Map.of("stable", 2L), l -> l.put("prod", 1L));
    assertEquals(1, written.getGeneration());
    assertEquals(Map.of("stable", 2L, "prod", 1L), written.getLabelsMap());
    assertEquals(Optional.of(written), labels.read("ctr"));

    Files.writeString(root.resolve("ctr/.labels.json-123.tmp"), "a writer killed before its rename left this");
    ModelLabels second = labels.update("ctr", Map.of("ignored", 9L), l -> l.remove("stable"));
    assertEquals(2, second.getGeneration());
    assertEquals(Map.of("prod", 1L), second.getLabelsMap(), "the file, not the initial labels, is changed");
    try (Stream<Path> files = Files.list(root.resolve("ctr"))) {
      assertEquals(List.of(".lock", "labels.json"), files.map(p -> p.getFileName().toString()).sorted().toList(),
          "no temporary file is left behind, nor one a killed writer left");
    }
  }

  @Test
  void aChangeThatThrowsLeavesTheFileAsItWas() throws IOException {
    ModelLabels written = labels.update("ctr", Map.of(), l -> l.put("prod", 1L));
    assertThrows(IllegalStateException.class, () -> labels.update("ctr", Map.of(), l -> {
      l.put("prod", 2L);
      throw new IllegalStateException("refused");
    }));
    assertEquals(Optional.of(written), labels.read("ctr"));
    IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class,
        () -> labels.update("ctr", Map.of(), l -> l.put("2nd", 1L)));
    assertTrue(invalid.getMessage().contains("label '2nd' must be 1-64 letters"), invalid.getMessage());
    assertEquals(Optional.of(written), labels.read("ctr"));
  }

  @Test
  void concurrentWritersLoseNoChange() throws Exception {
    int writers = 4;
    int each = 25;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        String prefix = "w" + w + "_";
        done.add(pool.submit(() -> {
          for (int i = 0; i < each; i++) {
            String label = prefix + i;
            labels.update("ctr", Map.of(), l -> l.put(label, 1L));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    ModelLabels last = labels.read("ctr").orElseThrow();
    assertEquals(writers * each, last.getGeneration());
    assertEquals(writers * each, last.getLabelsCount());
  }

  @Test
  void aFileThatIsNotValidIsReportedNamingTheFileAndIsNotOverwritten() throws IOException {
    Path file = labels.path("ctr");
    Map<String, String> broken = new TreeMap<>(Map.of(
        "{\"generation\": 3, \"labels\": {\"prod\": ", "not valid",
        "{\"generation\": 3, \"labels\": {\"9lives\": 1}}", "label '9lives' must be 1-64 letters",
        "{\"generation\": 3, \"labels\": {\"prod\": 0}}", "label 'prod' must point at a version of at least 1, not 0",
        "{\"labels\": {\"prod\": 2}}", "generation must be at least 1, not 0",
        "{\"format_version\": 2, \"generation\": 1}", "format_version 2 is newer than this program reads (1)"));
    for (Map.Entry<String, String> text : broken.entrySet()) {
      Files.writeString(file, text.getKey());
      IOException read = assertThrows(IOException.class, () -> labels.read("ctr"));
      assertTrue(read.getMessage().startsWith(file.toString()) && read.getMessage().contains(text.getValue()),
          read.getMessage());
      assertThrows(IOException.class, () -> labels.update("ctr", Map.of(), l -> l.put("prod", 1L)));
      assertEquals(text.getKey(), Files.readString(file));
    }
  }

  @Test
  void versionsReadAsNumbersOrAsTheStringsTheWriterWrites() throws IOException {
    Files.writeString(labels.path("ctr"), "{\"format_version\": 1, \"generation\": 4, \"labels\": {\"a\": 3, \"b\": \"5\"}}");
    assertEquals(Map.of("a", 3L, "b", 5L), labels.read("ctr").orElseThrow().getLabelsMap());
    labels.update("ctr", Map.of(), l -> l.put("c", 7L));
    String json = Files.readString(labels.path("ctr"));
    assertTrue(json.contains("\"generation\": \"5\"") && json.contains("\"c\": \"7\""), json);
  }
}
