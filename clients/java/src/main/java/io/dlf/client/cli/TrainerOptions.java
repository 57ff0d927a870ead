package io.dlf.client.cli;

import io.dlf.client.Target;
import io.dlf.client.TrainerClient;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which trainer server a command talks to. */
final class TrainerOptions {
  @Option(names = "--trainer", paramLabel = "HOST:PORT", defaultValue = "${env:DLF_TRAINER:-localhost:7070}",
      description = "Trainer server (default: ${DEFAULT-VALUE}; env DLF_TRAINER).")
  Target target;

  @Mixin
  CallOptions call;

  TrainerClient client() {
    return call.build(TrainerClient.builder().target(target));
  }
}
