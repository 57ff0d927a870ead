package io.dlf.client.cli;

/** Where Ctrl-C comes from: the JVM's shutdown hooks in a shell, a trigger of their own in tests. */
interface Interrupts {
  /** Runs {@code action} on interrupt until the returned registration is closed. */
  Registration onInterrupt(Runnable action);

  /** A registered interrupt action; closing it unregisters it. */
  interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  Interrupts SHUTDOWN_HOOKS = action -> {
    Thread hook = new Thread(action, "dlfctl-interrupt");
    Runtime.getRuntime().addShutdownHook(hook);
    return () -> {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running or has run: nothing left to remove.
      }
    };
  };
}
