package io.dlf.dsl.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.proto.model.v1.ModelLabels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two processes changing one labels file at once, as two serving replicas do: no change is lost. */
@Tag("e2e")
class LabelsFileProcessesTest {
  private static final int EACH = 150;

  @Test
  void writersInTwoProcessesLoseNoChange(@TempDir Path root) throws Exception {
    ModelRepository repository = new ModelRepository(root);
    Files.createDirectories(repository.modelDir("ctr"));
    LabelsFile labels = new LabelsFile(repository);
    Path log = root.resolve("writer.log");
    Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        LabelsFileWriter.class.getName(), root.toString(), "ctr", "other_", Integer.toString(EACH))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      // start once the other process writes, so that the two overlap
      while (labels.read("ctr").isEmpty() && other.isAlive()) {
        assertTrue(System.nanoTime() - deadline < 0, "the other process wrote nothing within a minute");
        Thread.sleep(5);
      }
      for (int i = 0; i < EACH; i++) {
        String label = "this_" + i;
        labels.update("ctr", Map.of(), l -> l.put(label, 1L));
      }
      assertTrue(other.waitFor(1, TimeUnit.MINUTES), "the other process ended");
      assertEquals(0, other.exitValue(), Files.readString(log));
    } finally {
      other.destroyForcibly();
    }
    ModelLabels last = labels.read("ctr").orElseThrow();
    assertEquals(2 * EACH, last.getGeneration());
    assertEquals(2 * EACH, last.getLabelsCount());
    assertTrue(last.containsLabels("other_0") && last.containsLabels("this_" + (EACH - 1)), last.toString());
  }
}
