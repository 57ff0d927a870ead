package io.dlf.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.spec.Feature;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RowReaderTest {
  @TempDir Path dir;

  private static final List<Feature> AB = List.of(Feature.categorical("a"), Feature.numeric("b"));

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  private static List<String> rows(RowReader reader, Path file) {
    List<String> out = new ArrayList<>();
    reader.read(file, row -> out.add(row.token(0) + "|" + row.number(1) + "|" + row.label() + "@" + row.line()));
    return out;
  }

  @Test
  void libFmTakesIndexesForCategoricalAndValuesForNumericFields() throws IOException {
    Path file = write("x.libfm", "1 7:1 3:0.5\r\n-1 8:1 4:2\r\n");
    RowReader reader = new RowReader(DatasetSchema.libFm(List.of("a", "b")), AB, BadRows.FAIL);
    assertEquals(List.of("7|0.5|1.0@1", "8|2.0|0.0@2"), rows(reader, file));
  }

  @Test
  void readsGzipByContent() throws IOException {
    Path file = dir.resolve("x.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write("label,a,b\n1,x,3\n".getBytes(StandardCharsets.UTF_8));
    }
    RowReader reader = new RowReader(
        DatasetSchema.delimited(DataFormat.CSV, List.of("label", "a", "b"), "label", HeaderMode.DETECT), AB, BadRows.FAIL);
    assertEquals(List.of("x|3.0|1.0@2"), rows(reader, file));
  }

  @Test
  void delimitedHandlesHeadersQuotesAndMissingCells() throws IOException {
    DatasetSchema schema = DatasetSchema.delimited(DataFormat.CSV, List.of("id", "a", "label", "b"), "label", HeaderMode.DETECT);
    RowReader reader = new RowReader(schema, AB, BadRows.FAIL);
    assertEquals(List.of("q,1|NaN|0.0@1", "|4.5|1.0@2"), rows(reader, write("no-header.csv", "9,\"q,1\",0,\n10,,1,4.5\n")));
    assertEquals(List.of("z|1.0|1.0@2"), rows(reader, write("header.csv", "id,a,label,b\n1,z,1,1\n")));
    RowReader tsv = new RowReader(
        DatasetSchema.delimited(DataFormat.TSV, List.of("label", "b", "a"), "label", HeaderMode.NONE), AB, BadRows.FAIL);
    assertEquals(List.of("|NaN|0.0@1"), rows(tsv, write("x.tsv", "0\t\t\n")));
  }

  @Test
  void badRowsNameFileAndLine() throws IOException {
    RowReader reader = new RowReader(DatasetSchema.libFm(List.of("a", "b")), AB, BadRows.FAIL);
    DataException fields = assertThrows(DataException.class, () -> rows(reader, write("f.libfm", "1 1:1 2:1\n1 1:1\n")));
    assertTrue(fields.getMessage().endsWith("f.libfm:2: expected a label and 2 idx:value pairs, found 1 pairs"),
        fields.getMessage());
    assertEquals(2, fields.line());
    DataException label = assertThrows(DataException.class, () -> rows(reader, write("l.libfm", "yes 1:1 2:1\n")));
    assertTrue(label.getMessage().endsWith("l.libfm:1: label 'yes' is not a number"), label.getMessage());
    DataException range = assertThrows(DataException.class, () -> rows(reader, write("r.libfm", "2 1:1 2:1\n")));
    assertTrue(range.getMessage().contains("r.libfm:1: label '2' is not in [0, 1]"), range.getMessage());
    DataException value = assertThrows(DataException.class, () -> rows(reader, write("v.libfm", "1 1:1 2:abc\n")));
    assertTrue(value.getMessage().endsWith("v.libfm:1: feature 'b': 'abc' is not a number"), value.getMessage());
    DataException pair = assertThrows(DataException.class, () -> rows(reader, write("p.libfm", "1 1 2:1\n")));
    assertTrue(pair.getMessage().contains("p.libfm:1: field 1 ('a'): '1' is not idx:value"), pair.getMessage());
    RowReader csv = new RowReader(
        DatasetSchema.delimited(DataFormat.CSV, List.of("label", "a", "b"), "label", HeaderMode.NONE), AB, BadRows.FAIL);
    DataException columns = assertThrows(DataException.class, () -> rows(csv, write("c.csv", "1,x,2\n1,x\n")));
    assertTrue(columns.getMessage().endsWith("c.csv:2: expected 3 columns, found 2"), columns.getMessage());
    DataException quote = assertThrows(DataException.class, () -> rows(csv, write("q.csv", "1,\"x,2\n")));
    assertTrue(quote.getMessage().endsWith("q.csv:1: unterminated quoted value"), quote.getMessage());
  }

  @Test
  void emptyAndMissingFilesAreErrors() throws IOException {
    RowReader reader = new RowReader(DatasetSchema.libFm(List.of("a", "b")), AB, BadRows.FAIL);
    DataException empty = assertThrows(DataException.class, () -> rows(reader, write("empty.libfm", "")));
    assertTrue(empty.getMessage().endsWith("empty.libfm: has no data rows"), empty.getMessage());
    DataException missing = assertThrows(DataException.class, () -> rows(reader, dir.resolve("nope.libfm")));
    assertTrue(missing.getMessage().endsWith("nope.libfm: no such file"), missing.getMessage());
  }

  @Test
  void skipPolicyCountsAndReportsBadRows() throws IOException {
    RowReader reader = new RowReader(DatasetSchema.libFm(List.of("a", "b")), AB, BadRows.SKIP);
    List<String> kept = new ArrayList<>();
    ReadReport report = reader.read(write("s.libfm", "1 1:1 2:1\nx 1:1 2:1\n0 3:1 4:1\n1 5:1\n"),
        row -> kept.add(row.token(0)));
    assertEquals(List.of("1", "3"), kept);
    assertEquals(2, report.rows());
    assertEquals(2, report.skipped());
    assertEquals(List.of("s.libfm:2: label 'x' is not a number", "s.libfm:4: expected a label and 2 idx:value pairs, found 1 pairs"),
        report.firstProblems());
    DataException allBad = assertThrows(DataException.class, () -> reader.read(write("bad.libfm", "x\ny\n"), row -> { }));
    assertTrue(allBad.getMessage().contains("no row could be parsed (2 skipped"), allBad.getMessage());
  }

  @Test
  void schemaMistakesAreNamed() {
    IllegalArgumentException format = assertThrows(IllegalArgumentException.class, () -> DataFormat.parse("xml"));
    assertEquals("unknown data format 'xml'; expected one of libfm, csv, tsv", format.getMessage());
    IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
        () -> DatasetSchema.delimited(DataFormat.CSV, List.of("a", "b"), "click", HeaderMode.NONE));
    assertTrue(label.getMessage().startsWith("schema.label: 'click' is not one of the columns"), label.getMessage());
    IllegalArgumentException feature = assertThrows(IllegalArgumentException.class, () -> new RowReader(
        DatasetSchema.delimited(DataFormat.CSV, List.of("label", "a"), "label", HeaderMode.NONE), AB, BadRows.FAIL));
    assertTrue(feature.getMessage().startsWith("feature 'b' is not a column of the dataset schema"), feature.getMessage());
  }
}
