package io.dlf.server;

import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The defaults of {@link GrpcServerOptions} that differ from server to server; a server's command
 * line takes them as (or through) its default value provider, so its help shows them.
 *
 * @param shutdownGrace as written on the command line, e.g. {@code 10s}
 */
public record GrpcServerDefaults(int port, int metricsPort, int handlerThreads, String shutdownGrace)
    implements IDefaultValueProvider {

  /** The default of {@code argument} if it is one of these options, else null. */
  @Override
  public String defaultValue(ArgSpec argument) {
    if (!(argument instanceof OptionSpec option)) {
      return null;
    }
    return switch (option.longestName()) {
      case "--port" -> Integer.toString(port);
      case "--metrics-port" -> Integer.toString(metricsPort);
      case "--handler-threads" -> Integer.toString(handlerThreads);
      case "--shutdown-grace" -> shutdownGrace;
      default -> null;
    };
  }
}
