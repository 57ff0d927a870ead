package io.dlf.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dlf.proto.trainer.v1.JobEvent;
import io.dlf.proto.trainer.v1.PreparationProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** What `dlfctl jobs watch` prints while a job's data is prepared. */
class ProgressPrinterTest {

  @Test
  void preparationReportsArePrintedOneLineEachWhenNotOnATerminal() {
    StringWriter text = new StringWriter();
    ProgressPrinter printer = new ProgressPrinter(new PrintWriter(text), false);
    printer.accept(JobEvent.newBuilder().setPreparation(PreparationProgress.newBuilder()
        .setStage(PreparationProgress.Stage.VOCABULARIES).setSplit("train").setRows(120_000)
        .setRowsPerSecond(61_234.4)).build());
    printer.accept(JobEvent.newBuilder().setPreparation(PreparationProgress.newBuilder()
        .setStage(PreparationProgress.Stage.SHARDS).setSplit("validation").setRows(57_722)
        .setRowsPerSecond(250_000).setShardBytes(11_428_868)).build());
    assertEquals("""
        preparing data: counting vocabularies of train  120,000 rows  61,234 rows/s  0.0 MB of shards
        preparing data: writing shards of validation  57,722 rows  250,000 rows/s  11.4 MB of shards
        """, text.toString().replace(System.lineSeparator(), "\n"));
  }
  @Test
  void generatingADatasetIsPrintedWithTheBytesWritten() {
    String line = ProgressPrinter.preparationLine(PreparationProgress.newBuilder()
        .setStage(PreparationProgress.Stage.GENERATING).setSplit("train").setRows(4_000_000)
        .setRowsPerSecond(401_234.5).setGeneratedBytes(123_456_789).build());
    assertEquals("preparing data: generating train  4,000,000 rows  401,235 rows/s  123.5 MB written", line);
  }
}
