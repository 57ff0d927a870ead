package io.dlf.client.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.dlf.client.ModelRef;
import io.dlf.client.PredictionClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dlfctl predict}: JSON lines of raw feature values in, one probability per line out. */
@Command(name = "predict",
    description = {"Score examples given as JSON lines of raw feature values, e.g.",
        "  {\"user\": \"u123\", \"item\": \"i9\", \"price\": 3.5, \"history\": [\"i1\", \"i7\"]}",
        "and print one click probability per line, in input order.",
        "Strings are categorical values, numbers numeric ones (null: missing), arrays sequence tokens."})
final class PredictCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ServingOptions serving;

  @Option(names = "--model", required = true, description = "The model's name.")
  String model;

  @ArgGroup(exclusive = true)
  Version version;

  static final class Version {
    @Option(names = "--version", description = "This version (default: the latest available).")
    Long number;

    @Option(names = "--label", description = "The version this label points at.")
    String label;
  }

  @Option(names = "--input", paramLabel = "FILE", description = "Read examples from FILE (default: standard input).")
  Path input;

  @Option(names = "--batch-size", defaultValue = "256", description = "Examples per request (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Override
  public Integer call() throws IOException {
    if (batchSize < 1) {
      throw new CliException(Dlfctl.BAD_INPUT, "--batch-size " + batchSize + " must be at least 1");
    }
    ModelRef ref = version == null ? ModelRef.latest(model)
        : version.number != null ? ModelRef.version(model, version.number) : ModelRef.label(model, version.label);
    PrintWriter out = spec.commandLine().getOut();
    try (BufferedReader reader = open(); PredictionClient client = serving.client()) {
      List<Map<String, Object>> batch = new ArrayList<>();
      int lineNumber = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lineNumber++;
        if (!line.isBlank()) {
          batch.add(example(line, lineNumber));
        }
        if (batch.size() == batchSize) {
          score(client, ref, batch, out);
        }
      }
      score(client, ref, batch, out);
    }
    return 0;
  }

  private BufferedReader open() throws IOException {
    if (input == null) {
      return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    }
    try {
      return Files.newBufferedReader(input);
    } catch (NoSuchFileException e) {
      throw new CliException(Dlfctl.BAD_INPUT, "input file " + input + " does not exist");
    }
  }

  private static void score(PredictionClient client, ModelRef ref, List<Map<String, Object>> batch, PrintWriter out) {
    if (batch.isEmpty()) {
      return;
    }
    client.predict(ref, batch).probabilities().forEach(p -> out.println(String.format(Locale.ROOT, "%.6f", p)));
    out.flush();
    batch.clear();
  }

  private Map<String, Object> example(String line, int lineNumber) {
    JsonElement json;
    try {
      json = JsonParser.parseString(line);
    } catch (JsonParseException e) {
      throw bad(lineNumber, "not JSON: " + e.getMessage());
    }
    if (!json.isJsonObject()) {
      throw bad(lineNumber, "not a JSON object of feature values");
    }
    Map<String, Object> features = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : ((JsonObject) json).entrySet()) {
      features.put(e.getKey(), value(e.getKey(), e.getValue(), lineNumber));
    }
    return features;
  }

  private Object value(String feature, JsonElement value, int lineNumber) {
    if (value.isJsonNull()) {
      return null;
    }
    if (value instanceof JsonPrimitive p && p.isString()) {
      return p.getAsString();
    }
    if (value instanceof JsonPrimitive p && p.isNumber()) {
      return p.getAsFloat();
    }
    if (value instanceof JsonArray tokens) {
      List<String> list = new ArrayList<>();
      tokens.forEach(t -> list.add(t.isJsonPrimitive() ? t.getAsString() : t.toString()));
      return list;
    }
    throw bad(lineNumber, "feature '" + feature + "' is " + value + "; expected a string, a number, null or an array");
  }

  private CliException bad(int lineNumber, String what) {
    return new CliException(Dlfctl.BAD_INPUT, (input == null ? "stdin" : input.toString()) + " line " + lineNumber
        + ": " + what);
  }
}
