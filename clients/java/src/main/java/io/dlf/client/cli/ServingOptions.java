package io.dlf.client.cli;

import io.dlf.client.PredictionClient;
import io.dlf.client.Target;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which serving server a command talks to. */
final class ServingOptions {
  @Option(names = "--serving", paramLabel = "HOST:PORT", defaultValue = "${env:DLF_SERVING:-localhost:8500}",
      description = "Serving server (default: ${DEFAULT-VALUE}; env DLF_SERVING).")
  Target target;

  @Mixin
  CallOptions call;

  PredictionClient client() {
    return call.build(PredictionClient.builder().target(target));
  }
}
