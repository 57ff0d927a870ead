package io.dlf.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.client.DlfException;
import io.dlf.client.ModelRef;
import io.dlf.client.PredictionClient;
import io.dlf.client.Predictions;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.dsl.testing.ExportedVersions;
import io.dlf.proto.serving.v1.ModelStatus;
import io.dlf.proto.serving.v1.VersionState;
import io.dlf.serving.ServingConfig;
import io.dlf.serving.ServingServer;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prediction client and dlfctl's predict and models commands against a real serving server
 * on a loopback port, serving a real (untrained) version of a small model with every feature kind.
 */
@Tag("e2e")
class ServingEndToEndTest {
  private static final Map<String, Object> EXAMPLE = Map.of("user", "user3", "item", "item7", "price", 2.5f,
      "history", List.of("item1", "item2"));

  @TempDir
  static Path root;
  private static ServingServer server;
  private static PredictionClient client;
  private static String target;

  @BeforeAll
  static void start() throws Exception {
    ExportedVersions.exportSmall(new ModelRepository(root), "ctr", 1);
    server = ServingServer.create(ServingConfig.local(root));
    server.start();
    target = "127.0.0.1:" + server.port();
    client = PredictionClient.builder().target(target).build();
  }

  @AfterAll
  static void stop() {
    client.close();
    server.stop();
  }

  @Test
  void predictScoresRawFeatureValuesWithTheLatestVersion() {
    Map<String, Object> missingPrice = new HashMap<>(EXAMPLE);
    missingPrice.put("price", null);
    Predictions predictions = client.predict(ModelRef.latest("ctr"), List.of(EXAMPLE, missingPrice,
        Map.of("user", "never-seen", "item", "item7", "price", 1, "history", List.of())));
    assertEquals("ctr", predictions.model());
    assertEquals(1, predictions.version());
    assertEquals(3, predictions.probabilities().size());
    predictions.probabilities().forEach(p -> assertTrue(p > 0 && p < 1, "probability " + p));
    assertEquals(predictions.probabilities().get(0),
        client.predict(ModelRef.version("ctr", 1), List.of(EXAMPLE)).probabilities().get(0), 1e-6,
        "batches of other sizes round differently");
  }

  @Test
  void servingErrorsArriveAsTheServerWroteThem() {
    DlfException unknown = assertThrows(DlfException.class,
        () -> client.predict(ModelRef.latest("cvr"), List.of(EXAMPLE)));
    assertEquals(Status.Code.NOT_FOUND, unknown.code());
    assertEquals("model 'cvr' is not served; models: [ctr]", unknown.serverMessage());

    DlfException missing = assertThrows(DlfException.class,
        () -> client.predict(ModelRef.latest("ctr"), List.of(Map.of("user", "user1", "price", 3f))));
    assertEquals(Status.Code.INVALID_ARGUMENT, missing.code());
    assertEquals(List.of("examples[0].features[item]", "examples[0].features[history]"),
        missing.violations().stream().map(DlfException.FieldViolation::field).toList());
  }

  @Test
  void modelAdministrationListsStatesAndMovesLabels() {
    ModelStatus status = client.status("ctr", 0);
    assertEquals(1, status.getLatest());
    assertEquals(VersionState.VERSION_STATE_AVAILABLE, status.getVersions(0).getState());
    assertEquals(List.of("ctr"), client.models().stream().map(ModelStatus::getName).toList());

    Cli label = Cli.run("models", "label", "ctr", "stable", "1", "--serving", target);
    assertEquals(0, label.exitCode(), label.toString());
    assertTrue(label.out().startsWith("ctr  latest 1  policy latest:1  labels {stable=1}"), label.out());
    assertEquals(client.predict(ModelRef.latest("ctr"), List.of(EXAMPLE)),
        client.predict(ModelRef.label("ctr", "stable"), List.of(EXAMPLE)));

    Cli list = Cli.run("models", "list", "--serving", target);
    assertTrue(list.out().contains("  version 1  AVAILABLE  since "), list.toString());
    Cli removed = Cli.run("models", "label", "ctr", "stable", "--remove", "--serving", target);
    assertTrue(removed.out().contains("labels {}"), removed.toString());

    Cli notAvailable = Cli.run("models", "label", "ctr", "canary", "9", "--serving", target);
    assertEquals(Dlfctl.FAILED, notAvailable.exitCode(), notAvailable.toString());
    assertTrue(notAvailable.err().startsWith("dlfctl: SetLabel on the serving server at " + target + ": "),
        notAvailable.toString());
  }

  @Test
  void predictTurnsJsonLinesIntoOneProbabilityPerLine(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("examples.jsonl");
    Files.writeString(input, """
        {"user": "user3", "item": "item7", "price": 2.5, "history": ["item1", "item2"]}

        {"user": "user9", "item": "item1", "price": null, "history": "item4|item5"}
        {"user": "user3", "item": "item7", "price": 2.5, "history": ["item1", "item2"]}
        """);
    Cli cli = Cli.run("predict", "--model", "ctr", "--input", input.toString(), "--batch-size", "2",
        "--serving", target);
    assertEquals(0, cli.exitCode(), cli.toString());
    List<String> lines = cli.out().lines().toList();
    assertEquals(3, lines.size(), cli.toString());
    float expected = client.predict(ModelRef.latest("ctr"), List.of(EXAMPLE)).probabilities().get(0);
    assertEquals(expected, Double.parseDouble(lines.get(0)), 1e-5);
    assertEquals(expected, Double.parseDouble(lines.get(2)), 1e-5, "the same example in another batch");
  }

  @Test
  void badInputLinesNameTheLine(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("bad.jsonl");
    Files.writeString(input, "{\"user\": \"user3\", \"item\": \"item7\", \"price\": 1, \"history\": []}\n[1, 2]\n");
    Cli cli = Cli.run("predict", "--model", "ctr", "--input", input.toString(), "--serving", target);
    assertEquals(Dlfctl.BAD_INPUT, cli.exitCode(), cli.toString());
    assertEquals("dlfctl: " + input + " line 2: not a JSON object of feature values", cli.err().strip());
    assertTrue(Arrays.asList(cli.out().split("\n")).stream().allMatch(String::isEmpty), "nothing scored");
  }
}
