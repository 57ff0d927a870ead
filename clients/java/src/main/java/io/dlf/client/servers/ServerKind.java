package io.dlf.client.servers;

/** The two servers a local setup runs, with their main class and launch script. */
public enum ServerKind {
  TRAINER("trainer", "io.dlf.trainer.server.TrainerServerMain", "trainer-server/trainer-server.sh"),
  SERVING("serving server", "io.dlf.serving.ServingServerMain", "serving-server/serving-server.sh");

  private final String title;
  private final String mainClass;
  private final String script;

  ServerKind(String title, String mainClass, String script) {
    this.title = title;
    this.mainClass = mainClass;
    this.script = script;
  }

  /** How messages name it: "the trainer", "the serving server". */
  public String title() {
    return title;
  }

  public String mainClass() {
    return mainClass;
  }

  /** The launch script, relative to the platform's checkout. */
  public String script() {
    return script;
  }
}
