package io.dlf.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a main class of this class path in a fresh JVM, so each measurement gets its own process
 * (peak memory and TensorFlow's thread pools are per process). The child prints one result line
 * starting with {@value #RESULT}; everything else it prints is passed through.
 */
public final class ChildJvm {
  public static final String RESULT = "RESULT ";

  private ChildJvm() {}

  public static String run(Class<?> main, List<String> args) throws IOException, InterruptedException {
    return run(main, "6g", args);
  }

  /** @param heap the child's -Xmx, e.g. {@code 1g} */
  public static String run(Class<?> main, String heap, List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap,
        "-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("org.bytedeco.javacpp.cachedir", ".cache/javacpp"),
        "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    Process process = builder.start();
    String result = null;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith(RESULT)) {
          result = line.substring(RESULT.length());
        } else if (!line.startsWith("I0000") && !line.startsWith("WARNING: All log messages")) {
          System.out.println("  | " + line);
        }
      }
    }
    int code = process.waitFor();
    if (code != 0 || result == null) {
      throw new IOException(main.getSimpleName() + " " + args + " exited with " + code + " and no result");
    }
    return result;
  }

}
