package io.dlf.client.servers;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a server process is started. The client never depends on the servers' code: in a checkout
 * their launch scripts build and run them; a test, which has the servers on its own class path,
 * runs their main classes on that class path instead.
 */
public sealed interface Launcher {

  /** The command line that starts {@code kind} with {@code arguments}. */
  List<String> command(ServerKind kind, List<String> arguments);

  /** The launch scripts of the checkout at {@code home}. */
  record Scripts(Path home) implements Launcher {
    public Scripts {
      requireNonNull(home, "home is null");
    }

    @Override
    public List<String> command(ServerKind kind, List<String> arguments) {
      List<String> command = new ArrayList<>(List.of(home.resolve(kind.script()).toString()));
      command.addAll(arguments);
      return command;
    }
  }

  /** {@code java <jvmOptions> -cp <classPath> <main class>}, with this JVM's {@code java}. */
  record ClassPath(String classPath, List<String> jvmOptions) implements Launcher {
    public ClassPath {
      requireNonNull(classPath, "classPath is null");
      jvmOptions = List.copyOf(jvmOptions);
    }

    @Override
    public List<String> command(ServerKind kind, List<String> arguments) {
      List<String> command = new ArrayList<>();
      command.add(ProcessHandle.current().info().command().orElse("java"));
      command.addAll(jvmOptions);
      command.addAll(List.of("-cp", classPath, kind.mainClass()));
      command.addAll(arguments);
      return command;
    }
  }
}
