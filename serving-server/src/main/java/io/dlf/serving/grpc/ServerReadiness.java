package io.dlf.serving.grpc;

import com.google.inject.Singleton;

/** Whether the server has finished loading at start and is not stopping: KServe's ServerReady. */
@Singleton
public final class ServerReadiness {
  private volatile boolean ready;

  public boolean ready() {
    return ready;
  }

  public void set(boolean value) {
    ready = value;
  }
}
