package io.dlf.serving;

import com.google.inject.Injector;
import com.google.inject.Module;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.proto.inference.GRPCInferenceServiceGrpc;
import io.dlf.proto.serving.v1.ModelServiceGrpc;
import io.dlf.proto.serving.v1.PredictionServiceGrpc;
import io.dlf.server.testing.InProcessGrpc;
import io.dlf.serving.grpc.ServerReadiness;
import io.dlf.serving.repository.RepositoryWatcher;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** A serving server, on a loopback port or in process, over a repository of its own, and a channel to it. */
public final class RunningServer implements AutoCloseable {
  public final ServingServer server;
  public final ModelRepository repository;
  public final ManagedChannel channel;
  private final Optional<InProcessGrpc> inProcess;

  private RunningServer(ServingServer server, ModelRepository repository, ManagedChannel channel,
      Optional<InProcessGrpc> inProcess) {
    this.server = server;
    this.repository = repository;
    this.channel = channel;
    this.inProcess = inProcess;
  }

  /** Starts a server on {@code root} (which the caller has filled) with {@code customize} applied to the local config. */
  public static RunningServer start(Path root, UnaryOperator<ServingConfig> customize, Module... overrides)
      throws Exception {
    ServingServer server = ServingServer.create(customize.apply(ServingConfig.local(root)), overrides);
    server.start();
    return new RunningServer(server, new ModelRepository(root),
        ManagedChannelBuilder.forTarget(server.target()).usePlaintext().build(), Optional.empty());
  }

  /**
   * Like {@link #start}, but the server's real services, wired by its Guice modules, are called in
   * process: no port, no metrics endpoint ({@code server.target()} and its ports mean nothing here).
   */
  public static RunningServer inProcess(Path root, UnaryOperator<ServingConfig> customize, Module... overrides)
      throws Exception {
    Injector injector = ServingServer.injector(customize.apply(ServingConfig.local(root)), overrides);
    ServingServer server = new ServingServer(injector);
    // what ServingServer.start() does, in process instead of on a port: load, serve, then report ready
    injector.getInstance(RepositoryWatcher.class).start();
    InProcessGrpc grpc = InProcessGrpc.serve(injector);
    injector.getInstance(ServerReadiness.class).set(true);
    return new RunningServer(server, new ModelRepository(root), grpc.channel(), Optional.of(grpc));
  }

  public PredictionServiceGrpc.PredictionServiceBlockingStub predictions() {
    return PredictionServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  public ModelServiceGrpc.ModelServiceBlockingStub models() {
    return ModelServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  public GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub kserve() {
    return GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    inProcess.ifPresent(InProcessGrpc::close);
    server.stop();
  }
}
