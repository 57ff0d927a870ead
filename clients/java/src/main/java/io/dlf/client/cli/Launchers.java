package io.dlf.client.cli;

import io.dlf.client.servers.Launcher;
import java.nio.file.Path;
import java.util.Optional;

/** The servers' launcher of the checkout dlfctl runs from: {@code dlfctl.sh} names it with -Ddlf.home. */
final class Launchers {
  static final String HOME_PROPERTY = "dlf.home";

  private Launchers() {}

  static Optional<Launcher> fromCheckout() {
    return Optional.ofNullable(System.getProperty(HOME_PROPERTY)).map(home -> new Launcher.Scripts(Path.of(home)));
  }

  static Launcher require(Optional<Launcher> launcher) {
    return launcher.orElseThrow(() -> new CliException(Dlfctl.BAD_INPUT, "dlfctl does not know where the servers'"
        + " launch scripts are: run it as clients/java/dlfctl.sh from a checkout of the platform"
        + " (or with -D" + HOME_PROPERTY + "=CHECKOUT)"));
  }
}
