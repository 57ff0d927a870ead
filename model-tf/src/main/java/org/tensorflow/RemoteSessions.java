package org.tensorflow;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.proto.ConfigProto;

/**
 * Sessions against a TensorFlow server ({@code grpc://host:port}), which TF Java 1.1.0's public
 * {@link Session} cannot open: its constructors create the native session without a target. This
 * class (in TF Java's package, for the package-private constructor that wraps a native session) is
 * the only place that touches TF Java internals; a TF Java upgrade with a public target replaces it.
 */
public final class RemoteSessions {
  private RemoteSessions() {}

  /**
   * A session running {@code graph} on the cluster whose master is {@code target}
   * (e.g. {@code grpc://localhost:2222}). Variables are not initialized: call
   * {@link Session#initialize()} or {@link Session#restore(String)} (on one session per cluster:
   * variables on parameter servers are shared by name between the sessions of a cluster).
   * {@code config} may not ask for per-session thread pools: a distributed session runs on the
   * tasks' servers, whose pools their {@code ServerDef.default_session_config} sizes.
   */
  @SuppressWarnings("try") // the scope is there to free the native options and status when it closes
  public static Session open(Graph graph, String target, ConfigProto config) {
    if (!target.startsWith("grpc://")) {
      throw new IllegalArgumentException("a remote session target looks like grpc://host:port, got '" + target + "'");
    }
    if (config.getUsePerSessionThreads() || config.getSessionInterOpThreadPoolCount() > 0) {
      throw new IllegalArgumentException("a remote session cannot have thread pools of its own (use_per_session_threads, "
          + "session_inter_op_thread_pool): the servers' pools run its steps");
    }
    try (Graph.Reference ref = graph.ref(); PointerScope scope = new PointerScope()) {
      TF_Status status = TF_Status.newStatus();
      TF_SessionOptions options = TF_SessionOptions.newSessionOptions();
      tensorflow.TF_SetTarget(options, target);
      BytePointer serialized = new BytePointer(config.toByteArray());
      tensorflow.TF_SetConfig(options, serialized, serialized.capacity(), status);
      status.throwExceptionIfNotOK();
      TF_Session session = TF_Session.newSession(ref.nativeHandle(), options, status);
      status.throwExceptionIfNotOK();
      // the PointerScope releases what it tracks: keep the session past it, as Session's own allocation does
      return new Session(graph, session.retainReference());
    }
  }

  /**
   * Like {@link #open}, for a session that shares the variables another session of the cluster
   * initialises or restores (a worker other than the chief): its graph's initializers count as run,
   * since running them would reset the shared variables.
   */
  public static Session join(Graph graph, String target, ConfigProto config) {
    Session session = open(graph, target, config);
    session.markAllInitializersAsRan();
    return session;
  }
}
