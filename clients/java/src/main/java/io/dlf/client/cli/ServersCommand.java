package io.dlf.client.cli;

import picocli.CommandLine.Command;

/** {@code dlfctl servers}: servers on this machine. */
@Command(name = "servers", description = "Run a trainer and a serving server on this machine.",
    subcommands = ServersStartCommand.class)
final class ServersCommand {
}
