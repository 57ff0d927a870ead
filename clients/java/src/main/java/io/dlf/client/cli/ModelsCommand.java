package io.dlf.client.cli;

import io.dlf.client.ModelRef;
import io.dlf.client.PredictionClient;
import io.dlf.proto.serving.v1.ModelMetadata;
import io.dlf.proto.serving.v1.ModelStatus;
import io.dlf.proto.serving.v1.VersionStatus;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dlfctl models list|status|metadata|label}. */
@Command(name = "models",
    description = "The models a serving server holds: versions, their states, labels.")
final class ModelsCommand {
  @Spec
  CommandSpec spec;

  @Command(name = "list", description = "Every model with its versions and labels.")
  void list(@Mixin ServingOptions serving) {
    try (PredictionClient client = serving.client()) {
      client.models().forEach(this::print);
    }
  }

  @Command(name = "status",
      description = "One model's versions (state, load error) and labels.")
  void status(@Mixin ServingOptions serving, @Parameters(paramLabel = "MODEL") String model,
      @Option(names = "--version", defaultValue = "0", description = "Only this version.") long version) {
    try (PredictionClient client = serving.client()) {
      print(client.status(model, version));
    }
  }

  @Command(name = "metadata",
      description = "What a version serves: its inputs, precision (float32, bfloat16 or int8) and test figures.")
  void metadata(@Mixin ServingOptions serving, @Parameters(paramLabel = "MODEL") String model,
      @Option(names = "--version", description = "This version (default: the latest).") Long version) {
    try (PredictionClient client = serving.client()) {
      ModelMetadata m = client.metadata(version == null ? ModelRef.latest(model) : ModelRef.version(model, version));
      PrintWriter out = spec.commandLine().getOut();
      out.printf(Locale.ROOT, "%s  version %d  precision %s  created %s  test AUC %.4f  logloss %.4f%n", m.getModel(),
          m.getVersion(), m.getPrecision(), m.getCreatedAt(), m.getTestAuc(), m.getTestLogloss());
      out.printf(Locale.ROOT, "  inputs: %s%n", m.getInputsList().stream()
          .map(f -> f.getName() + " (" + f.getKind().name().replace("FEATURE_KIND_", "").toLowerCase(Locale.ROOT) + ")")
          .collect(Collectors.joining(", ")));
    }
  }

  @Command(name = "label",
      description = "Point a label at an available version, or remove it with --remove.")
  void label(@Mixin ServingOptions serving, @Parameters(index = "0", paramLabel = "MODEL") String model,
      @Parameters(index = "1", paramLabel = "LABEL") String label,
      @Parameters(index = "2", arity = "0..1", paramLabel = "VERSION") Long version,
      @Option(names = "--remove", description = "Remove the label instead.") boolean remove) {
    if (remove == (version != null)) {
      throw new CliException(Dlfctl.BAD_INPUT, "give either a VERSION to point " + label + " at, or --remove");
    }
    try (PredictionClient client = serving.client()) {
      print(remove ? client.removeLabel(model, label) : client.setLabel(model, label, version));
    }
  }

  private void print(ModelStatus status) {
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Long> labels = new TreeMap<>(status.getLabelsMap());
    out.printf(Locale.ROOT, "%s  latest %d  policy %s  labels {%s}%n", status.getName(), status.getLatest(),
        status.getVersionPolicy(),
        labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
    for (VersionStatus v : status.getVersionsList()) {
      out.printf(Locale.ROOT, "  version %d  %s  since %s%s%n", v.getVersion(),
          v.getState().name().replace("VERSION_STATE_", ""), v.getSince(), v.getError().isEmpty() ? "" : "  " + v.getError());
    }
  }
}
