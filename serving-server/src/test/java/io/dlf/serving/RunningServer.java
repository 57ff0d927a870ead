package io.dlf.serving;

import com.google.inject.Module;
import io.dlf.dsl.export.ModelRepository;
import io.dlf.proto.inference.GRPCInferenceServiceGrpc;
import io.dlf.proto.serving.v1.ModelServiceGrpc;
import io.dlf.proto.serving.v1.PredictionServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** A serving server on a loopback port, over a repository of its own, and a channel to it. */
public final class RunningServer implements AutoCloseable {
  public final ServingServer server;
  public final ModelRepository repository;
  public final ManagedChannel channel;

  private RunningServer(ServingServer server, ModelRepository repository) {
    this.server = server;
    this.repository = repository;
    this.channel = ManagedChannelBuilder.forTarget(server.target()).usePlaintext().build();
  }

  /** Starts a server on {@code root} (which the caller has filled) with {@code customize} applied to the local config. */
  public static RunningServer start(Path root, UnaryOperator<ServingConfig> customize, Module... overrides)
      throws Exception {
    ServingServer server = ServingServer.create(customize.apply(ServingConfig.local(root)), overrides);
    server.start();
    return new RunningServer(server, new ModelRepository(root));
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
    server.stop();
  }
}
