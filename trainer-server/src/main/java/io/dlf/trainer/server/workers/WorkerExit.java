package io.dlf.trainer.server.workers;

/**
 * How a worker process ended, in words. The JVM reports a process killed by signal N as exit
 * code 128 + N.
 */
public record WorkerExit(int code) {
  private static final String[] SIGNALS = {"", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
      "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"};

  public boolean killedBySignal() {
    return code > 128 && code < 128 + 65;
  }

  public String describe() {
    if (killedBySignal()) {
      int signal = code - 128;
      String name = signal < SIGNALS.length ? " (" + SIGNALS[signal] + ")" : "";
      String hint = signal == 9 ? ", often the kernel's OOM killer: the job needed more memory than the host had" : "";
      return "killed by signal " + signal + name + hint;
    }
    return "exit code " + code + (code == 0 ? " without saying how the job ended" : "");
  }
}
