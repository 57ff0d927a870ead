package io.dlf.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dlfctl's default folders: in the checkout, with $DLF_DATA first for the data. */
class DefaultPathsTest {

  @Test
  void theSharedDataLiesBesideTheCheckoutUnlessDlfDataNamesAnother(@TempDir Path dir) throws Exception {
    Path checkout = Files.createDirectories(dir.resolve("platform"));
    DefaultPaths paths = new DefaultPaths(checkout, Map.of());
    assertEquals(checkout.resolve("data/quickstart"), paths.inHome("data/quickstart"));
    assertEquals(dir.resolve("shared/data"), paths.sharedData());
    assertEquals(List.of(), paths.dataRoots(List.of()), "no shared data yet: none");
    Files.createDirectories(dir.resolve("shared/data"));
    assertEquals(List.of(dir.resolve("shared/data")), paths.dataRoots(List.of()));
    assertEquals(List.of(Path.of("mine")), paths.dataRoots(List.of(Path.of("mine"))), "given roots stay as given");

    assertEquals(Path.of("/srv/datasets"), new DefaultPaths(checkout, Map.of("DLF_DATA", "/srv/datasets")).sharedData());
  }
}
