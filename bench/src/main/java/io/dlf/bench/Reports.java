package io.dlf.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes benchmark reports: dated markdown plus a JSON of the figures, each replaced atomically. */
public final class Reports {
  private Reports() {}

  public static String today() {
    return LocalDate.now().toString();
  }

  public static void writeJson(Path file, Object value) throws IOException {
    write(file, new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(value) + "\n");
  }

  /**
   * Writes {@code figures} into a JSON object file that several benchmarks fill in: keys already
   * there and not in {@code figures} stay as they were.
   */
  public static void mergeJson(Path file, Map<String, Object> figures) throws IOException {
    Map<String, Object> merged = new LinkedHashMap<>();
    if (Files.exists(file)) {
      JsonObject existing = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
      existing.entrySet().forEach(e -> merged.put(e.getKey(), e.getValue()));
    }
    merged.putAll(figures);
    writeJson(file, merged);
  }

  /**
   * Writes a markdown report {@code generated}, keeping what the report it replaces holds from the line
   * {@link #WRITTEN_BY_HAND} on: notes written by hand about the runs, which a rerun must not erase.
   */
  public static void writeReport(Path file, String generated) throws IOException {
    String notes = "";
    if (Files.exists(file)) {
      String existing = Files.readString(file, StandardCharsets.UTF_8);
      int from = existing.indexOf(WRITTEN_BY_HAND);
      notes = from < 0 ? "" : "\n" + existing.substring(from);
    }
    write(file, generated + notes);
  }

  /** The line in a markdown report after which its notes were written by hand. */
  public static final String WRITTEN_BY_HAND = "<!-- written by hand from here on: a rerun keeps it -->";

  public static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(temp, text, StandardCharsets.UTF_8);
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
