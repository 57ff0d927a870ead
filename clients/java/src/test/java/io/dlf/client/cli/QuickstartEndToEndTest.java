package io.dlf.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.testing.RequiresDataset;
import io.dlf.dsl.testing.TestData;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dlfctl quickstart} with a tiny configuration against real server processes: both started,
 * a one-epoch DLF trained on Frappe, its version served and scoring Frappe's first test rows, and
 * both servers gone at the end.
 */
@RequiresDataset("frappe")
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class QuickstartEndToEndTest {
  private static final Path DATA = TestData.root();

  @Test
  void trainsServesPredictsAndStopsTheServers(@TempDir Path dir) throws Exception {
    int trainerPort = TestServers.freePort();
    int servingPort = TestServers.freePort();
    Cli cli = Cli.run(TestServers.NO_INTERRUPTS, TestServers.launcher(), "quickstart", "--data-dir", dir.toString(),
        "--data", DATA.toString(), "--size", "8,1,8,4,32", "--epochs", "1", "--examples", "3",
        "--trainer-port", String.valueOf(trainerPort), "--serving-port", String.valueOf(servingPort),
        "--trainer-metrics-port", "-1", "--serving-metrics-port", "-1");
    String out = cli.out();
    assertEquals(0, cli.exitCode(), cli.toString());

    assertTrue(out.contains("training on Frappe from " + DATA), out);
    assertTrue(out.contains("trainer ready on 127.0.0.1:" + trainerPort), out);
    assertTrue(out.contains("serving server ready on 127.0.0.1:" + servingPort), out);
    assertTrue(Pattern.compile("epoch 1/1  step \\d+/50  loss ").matcher(out).find(), "live progress: " + out);
    Matcher auc = Pattern.compile("\ntest AUC (0\\.\\d{4})  logloss (\\d\\.\\d{4})  \\(best epoch 1 of 1\\)\n")
        .matcher(out);
    assertTrue(auc.find(), out);
    assertTrue(Double.parseDouble(auc.group(1)) > 0.8, "a real model: " + auc.group());
    assertTrue(out.contains("served: dlf-quickstart version 1 on 127.0.0.1:" + servingPort + " (AVAILABLE)"), out);

    List<String> predictions = out.lines().filter(l -> l.matches("  0\\.\\d{4}  \\(clicked: [01]\\)  user=.*")).toList();
    assertEquals(3, predictions.size(), out);
    assertTrue(predictions.get(0).endsWith("(clicked: 0)  user=204 item=4798 daytime=5041 weekday=5046 isweekend=5053"
        + " homework=5055 cost=5058 weather=5060 country=5073 city=5183"), predictions.get(0));

    Matcher curves = Pattern.compile("training curves: (\\S+)").matcher(out.substring(auc.end()));
    assertTrue(curves.find(), out);
    assertTrue(Files.size(Path.of(curves.group(1))) > 0, curves.group(1));
    Matcher roc = Pattern.compile("ROC curve: (\\S+)").matcher(out.substring(curves.end()));
    assertTrue(roc.find(), out);
    assertNotNull(ImageIO.read(Path.of(roc.group(1)).toFile()), "a readable ROC PNG: " + roc.group(1));
    assertTrue(Files.isDirectory(dir.resolve("models/dlf-quickstart/1")), "the version lies under --data-dir");
    assertTrue(Files.size(dir.resolve("logs/trainer.log")) > 0 && Files.size(dir.resolve("logs/serving.log")) > 0);

    assertTrue(out.contains("servers stopped"), out);
    Matcher pids = Pattern.compile("\\(pid (\\d+)\\)").matcher(out);
    int stopped = 0;
    while (pids.find()) {
      assertFalse(ProcessHandle.of(Long.parseLong(pids.group(1))).map(ProcessHandle::isAlive).orElse(false),
          "process " + pids.group(1) + " ended");
      stopped++;
    }
    assertEquals(2, stopped, out);
    for (int port : new int[] {trainerPort, servingPort}) {
      try (ServerSocket free = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
        assertEquals(port, free.getLocalPort(), "nothing listens on " + port + " any more");
      }
    }
  }
}
