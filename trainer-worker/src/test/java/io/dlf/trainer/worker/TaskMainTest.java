package io.dlf.trainer.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.trainer.job.TaskCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ServerDef;
import picocli.CommandLine;

class TaskMainTest {

  @Test
  void theTaskCommandNamesThisClass() {
    assertEquals(TaskMain.class.getName(), TaskCommand.MAIN);
  }

  @Test
  void theOptionsDescribeTheTasksServer() {
    TaskMain main = new TaskMain();
    new CommandLine(main).parseArgs("--job", "ps", "--task", "1", "--ps", "127.0.0.1:7001,127.0.0.1:7002",
        "--workers", "127.0.0.1:7003");
    ServerDef serverDef = main.serverDef();
    assertEquals("ps", serverDef.getJobName());
    assertEquals(1, serverDef.getTaskIndex());
    assertEquals("127.0.0.1:7002", serverDef.getCluster().getJobList().stream()
        .filter(job -> job.getName().equals("ps")).findFirst().orElseThrow().getTasksOrThrow(1));
  }

  @Test
  void aWrongOptionIsAUsageErrorNamingIt() {
    assertUsageError("missing required options: '--ps=HOST:PORT,...', '--workers=HOST:PORT,...'",
        "--job", "ps", "--task", "0");
    assertUsageError("'--task': 'first' is not an int", "--job", "ps", "--task", "first", "--ps", "h:1",
        "--workers", "h:2");
    assertUsageError("a task address is host:port, got 'h'", "--job", "ps", "--task", "0", "--ps", "h",
        "--workers", "h:2");
  }

  private static void assertUsageError(String expected, String... args) {
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new TaskMain()).setErr(new PrintWriter(err)).execute(args);
    assertEquals(2, exit, err.toString());
    assertTrue(err.toString().toLowerCase().contains(expected.toLowerCase()), err.toString());
  }
}
