package io.dlf.trainer.server;

import com.google.inject.Injector;
import io.dlf.proto.trainer.v1.GetJobRequest;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobEvent;
import io.dlf.proto.trainer.v1.TrainerServiceGrpc;
import io.dlf.server.GrpcServerConfig;
import io.dlf.server.testing.InProcessGrpc;
import io.dlf.trainer.server.jobs.JobService;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A trainer server in this JVM, on a loopback port or in process, and a client channel to it. */
final class RunningTrainer implements AutoCloseable {
  final TrainerServer server;
  final ManagedChannel channel;
  private final Optional<InProcessGrpc> inProcess;

  private RunningTrainer(TrainerServer server, ManagedChannel channel, Optional<InProcessGrpc> inProcess) {
    this.server = server;
    this.channel = channel;
    this.inProcess = inProcess;
  }

  static RunningTrainer start(TrainerServerConfig config) throws Exception {
    TrainerServer server = TrainerServer.create(config, GrpcServerConfig.local());
    server.start();
    return new RunningTrainer(server, ManagedChannelBuilder.forTarget(server.target()).usePlaintext().build(),
        Optional.empty());
  }

  /**
   * The trainer's real services, wired by its Guice modules, called in process: no port, no metrics
   * endpoint ({@code server.target()} and its ports mean nothing here).
   */
  static RunningTrainer inProcess(TrainerServerConfig config) throws Exception {
    Injector injector = TrainerServer.injector(config, GrpcServerConfig.local());
    TrainerServer server = injector.getInstance(TrainerServer.class);
    // what TrainerServer.start() does before it listens
    injector.getInstance(JobService.class).start();
    InProcessGrpc grpc = InProcessGrpc.serve(injector);
    return new RunningTrainer(server, grpc.channel(), Optional.of(grpc));
  }

  /** CPU only, one job at a time with one TensorFlow thread each way, 30 s for jobs to pause on shutdown. */
  static TrainerServerConfig config(Path dataDir, Path dataRoot) {
    return TrainerServerConfig.defaults(dataDir, List.of(dataRoot)).withUseGpus(false).withThreads(1, 1)
        .withPauseTimeout(Duration.ofSeconds(30));
  }

  TrainerServiceGrpc.TrainerServiceBlockingStub stub() {
    return TrainerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  List<JobEvent> watch(String jobId, Duration timeout) {
    return JobWatching.toEnd(channel, jobId, timeout);
  }

  List<JobEvent> watchUntil(String jobId, Predicate<JobEvent> until, Duration timeout) {
    return JobWatching.until(channel, jobId, until, timeout);
  }

  /** Watches until the job ends and returns it as it ended. */
  Job awaitEnd(String jobId, Duration timeout) {
    watch(jobId, timeout);
    return stub().getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
  }

  @Override
  public void close() {
    channel.shutdownNow();
    inProcess.ifPresent(InProcessGrpc::close);
    server.stop();
  }
}
