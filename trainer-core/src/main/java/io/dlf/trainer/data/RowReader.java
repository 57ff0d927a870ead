package io.dlf.trainer.data;

import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.FeatureKind;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Streams the rows of one data file as {@link ParsedRow}s holding a model's features. Reads plain
 * or gzip-compressed text. A row that does not parse either stops the read with a
 * {@link DataException} naming file and line, or (with {@link BadRows#SKIP}) is counted and skipped.
 */
public final class RowReader {
  static final int PROBLEMS_KEPT = 5;

  private final DatasetSchema schema;
  private final List<Feature> features;
  private final int[] columnOf;
  private final boolean[] numeric;
  private final BadRows badRows;
  private final int labelColumn;

  /**
   * @throws IllegalArgumentException if a feature is not a column of the schema
   */
  public RowReader(DatasetSchema schema, List<Feature> features, BadRows badRows) {
    this.schema = schema;
    this.features = List.copyOf(features);
    this.badRows = badRows;
    this.columnOf = new int[features.size()];
    this.numeric = new boolean[features.size()];
    for (int i = 0; i < features.size(); i++) {
      Feature f = features.get(i);
      int column = schema.columns().indexOf(f.name());
      if (column < 0 || (schema.format() != DataFormat.LIBFM && f.name().equals(schema.label()))) {
        throw new IllegalArgumentException("feature '" + f.name() + "' is not a column of the dataset schema (columns: "
            + schema.featureColumns() + ")");
      }
      columnOf[i] = column;
      numeric[i] = f.kind() == FeatureKind.NUMERIC;
    }
    this.labelColumn = schema.format() == DataFormat.LIBFM ? -1 : schema.columns().indexOf(schema.label());
  }

  public List<Feature> features() {
    return features;
  }

  /** Reads every row of {@code file} into {@code sink}. */
  public ReadReport read(Path file, Consumer<ParsedRow> sink) {
    ParsedRow row = new ParsedRow(features.size());
    long rows = 0;
    long skipped = 0;
    List<String> problems = new ArrayList<>();
    try (BufferedReader reader = open(file)) {
      String line;
      long number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        line = stripCarriageReturn(line);
        if (number == 1 && isHeader(line)) {
          continue;
        }
        if (line.isBlank()) {
          continue;
        }
        String problem = parse(line, row);
        if (problem != null) {
          if (badRows == BadRows.FAIL) {
            throw new DataException(file, number, problem);
          }
          skipped++;
          if (problems.size() < PROBLEMS_KEPT) {
            problems.add(file.getFileName() + ":" + number + ": " + problem);
          }
          continue;
        }
        row.line = number;
        rows++;
        sink.accept(row);
      }
    } catch (NoSuchFileException e) {
      throw new DataException(file, 0, "no such file");
    } catch (IOException e) {
      throw new DataException(file, 0, "cannot be read: " + e.getMessage());
    }
    if (rows == 0) {
      throw new DataException(file, 0, skipped > 0
          ? "no row could be parsed (" + skipped + " skipped; first: " + problems.get(0) + ")"
          : "has no data rows");
    }
    return new ReadReport(file.toString(), rows, skipped, problems);
  }

  private static BufferedReader open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    if (b1 == 0x1f && b2 == 0x8b) {
      in = new GZIPInputStream(in, 1 << 16);
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
  }

  private static String stripCarriageReturn(String line) {
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }

  private boolean isHeader(String line) {
    return switch (schema.header()) {
      case NONE -> false;
      case PRESENT -> true;
      case DETECT -> schema.format() != DataFormat.LIBFM && schema.columns().equals(split(line, schema.delimiter()));
    };
  }

  /** Fills {@code row} and returns null, or returns what is wrong with the line. */
  private String parse(String line, ParsedRow row) {
    return schema.format() == DataFormat.LIBFM ? parseLibFm(line, row) : parseDelimited(line, row);
  }

  private String parseLibFm(String line, ParsedRow row) {
    String[] parts = line.trim().split("[ \t]+");
    int fields = schema.columns().size();
    if (parts.length - 1 != fields) {
      return "expected a label and " + fields + " idx:value pairs, found " + (parts.length - 1) + " pairs";
    }
    String labelProblem = parseLabel(parts[0], true, row);
    if (labelProblem != null) {
      return labelProblem;
    }
    for (int i = 0; i < columnOf.length; i++) {
      String pair = parts[columnOf[i] + 1];
      int colon = pair.indexOf(':');
      if (colon <= 0) {
        return "field " + (columnOf[i] + 1) + " ('" + features.get(i).name() + "'): '" + pair + "' is not idx:value";
      }
      String problem = numeric[i]
          ? parseNumber(features.get(i).name(), pair.substring(colon + 1), i, row)
          : null;
      if (problem != null) {
        return problem;
      }
      row.tokens[i] = pair.substring(0, colon);
    }
    return null;
  }

  private String parseDelimited(String line, ParsedRow row) {
    List<String> cells = split(line, schema.delimiter());
    if (cells == null) {
      return "unterminated quoted value";
    }
    if (cells.size() != schema.columns().size()) {
      return "expected " + schema.columns().size() + " columns, found " + cells.size();
    }
    String labelProblem = parseLabel(cells.get(labelColumn), false, row);
    if (labelProblem != null) {
      return labelProblem;
    }
    for (int i = 0; i < columnOf.length; i++) {
      String cell = cells.get(columnOf[i]);
      boolean missing = cell.isEmpty() || cell.equals(schema.missingValue());
      if (numeric[i]) {
        if (missing) {
          row.numbers[i] = Float.NaN;
        } else {
          String problem = parseNumber(features.get(i).name(), cell, i, row);
          if (problem != null) {
            return problem;
          }
        }
      } else {
        row.tokens[i] = missing ? "" : cell;
      }
    }
    return null;
  }

  private static String parseLabel(String text, boolean libFm, ParsedRow row) {
    float value;
    try {
      value = Float.parseFloat(text);
    } catch (NumberFormatException e) {
      return "label '" + text + "' is not a number";
    }
    if (libFm && value == -1f) {
      value = 0f;
    }
    if (!(value >= 0f && value <= 1f)) {
      return "label '" + text + "' is not in [0, 1]" + (libFm ? " (or -1 for a negative)" : "");
    }
    row.label = value;
    return null;
  }

  private static String parseNumber(String feature, String text, int index, ParsedRow row) {
    try {
      float value = Float.parseFloat(text);
      if (Float.isInfinite(value)) {
        return "feature '" + feature + "': '" + text + "' is out of float range";
      }
      row.numbers[index] = value;
      return null;
    } catch (NumberFormatException e) {
      return "feature '" + feature + "': '" + text + "' is not a number";
    }
  }

  /** Splits a delimited line; double quotes may wrap a cell ("" inside is a quote). Null if a quote is unterminated. */
  static List<String> split(String line, char delimiter) {
    List<String> cells = new ArrayList<>();
    if (line.indexOf('"') < 0) {
      int start = 0;
      for (int i = 0; i < line.length(); i++) {
        if (line.charAt(i) == delimiter) {
          cells.add(line.substring(start, i));
          start = i + 1;
        }
      }
      cells.add(line.substring(start));
      return cells;
    }
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == delimiter) {
        cells.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    if (quoted) {
      return null;
    }
    cells.add(cell.toString());
    return cells;
  }
}
