package io.dlf.bench;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;

/** Writes benchmark reports: dated markdown plus a JSON of the figures, each replaced atomically. */
public final class Reports {
  private Reports() {}

  public static String today() {
    return LocalDate.now().toString();
  }

  public static void writeJson(Path file, Object value) throws IOException {
    write(file, new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(value) + "\n");
  }

  public static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(temp, text, StandardCharsets.UTF_8);
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
