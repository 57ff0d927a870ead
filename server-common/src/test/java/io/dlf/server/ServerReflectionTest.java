package io.dlf.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import io.dlf.server.auth.AuthConfig;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.BlockingClientCall;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Reflection on a real loopback server as grpcurl (v1) and ghz (v1alpha) read it: both list the services,
 * and both resolve {@code google.rpc.BadRequest}, which a client needs to decode an error's field violations.
 */
@Tag("e2e")
class ServerReflectionTest {
  private static final List<String> SERVICES = List.of("grpc.health.v1.Health",
      "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection",
      ServerReflection.ERROR_DETAILS_SERVICE);

  private GrpcServerService server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    server = new GrpcServerService("reflection-test", GrpcServerConfig.local().withMetricsPort(-1), AuthConfig.none(), Set.of(),
        Set.of(), new HealthStatusManager(), new PrometheusRegistry());
    server.start();
    channel = ManagedChannelBuilder.forTarget(server.target()).usePlaintext().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.stop();
  }

  @Test
  void v1alphaListsServicesAndResolvesErrorDetails() throws Exception {
    BlockingClientCall<io.grpc.reflection.v1alpha.ServerReflectionRequest,
        io.grpc.reflection.v1alpha.ServerReflectionResponse> call =
        io.grpc.reflection.v1alpha.ServerReflectionGrpc.newBlockingV2Stub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS).serverReflectionInfo();
    List<String> names = new ArrayList<>();
    ask(call, io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("").build())
        .getListServicesResponse().getServiceList().forEach(s -> names.add(s.getName()));
    assertTrue(names.containsAll(SERVICES), names.toString());

    assertDeclares(files(ask(call, io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder()
            .setFileContainingSymbol("google.rpc.BadRequest").build())
        .getFileDescriptorResponse().getFileDescriptorProtoList()), "google/rpc/error_details.proto", "BadRequest");
    finish(call);
  }

  @Test
  void v1ListsServicesAndResolvesErrorDetailsAndStatus() throws Exception {
    BlockingClientCall<io.grpc.reflection.v1.ServerReflectionRequest,
        io.grpc.reflection.v1.ServerReflectionResponse> call =
        io.grpc.reflection.v1.ServerReflectionGrpc.newBlockingV2Stub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS).serverReflectionInfo();
    List<String> names = new ArrayList<>();
    ask(call, io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("").build())
        .getListServicesResponse().getServiceList().forEach(s -> names.add(s.getName()));
    assertTrue(names.containsAll(SERVICES), names.toString());

    assertDeclares(files(ask(call, io.grpc.reflection.v1.ServerReflectionRequest.newBuilder()
            .setFileContainingSymbol("google.rpc.BadRequest").build())
        .getFileDescriptorResponse().getFileDescriptorProtoList()), "google/rpc/error_details.proto", "BadRequest");
    assertDeclares(files(ask(call, io.grpc.reflection.v1.ServerReflectionRequest.newBuilder()
            .setFileContainingSymbol("google.rpc.Status").build())
        .getFileDescriptorResponse().getFileDescriptorProtoList()), "google/rpc/status.proto", "Status");
    finish(call);
  }

  /** One request and its response on an open reflection stream. */
  private static <Q, R> R ask(BlockingClientCall<Q, R> call, Q request) throws Exception {
    assertTrue(call.write(request, 5, TimeUnit.SECONDS), "the reflection stream refused " + request);
    return call.read(5, TimeUnit.SECONDS);
  }

  /** Half-closes the stream and waits for the server to end it, so no call is cut off at shutdown. */
  private static void finish(BlockingClientCall<?, ?> call) throws Exception {
    call.halfClose();
    assertFalse(call.hasNext(), "the server answered after the stream was half-closed");
  }

  private static List<FileDescriptorProto> files(List<ByteString> serialized)
      throws InvalidProtocolBufferException {
    List<FileDescriptorProto> files = new ArrayList<>();
    for (ByteString file : serialized) {
      files.add(FileDescriptorProto.parseFrom(file));
    }
    return files;
  }

  /** Reflection answers a symbol with the file declaring it and that file's imports. */
  private static void assertDeclares(List<FileDescriptorProto> files, String fileName, String message) {
    List<String> names = files.stream().map(FileDescriptorProto::getName).toList();
    FileDescriptorProto file = files.stream().filter(f -> f.getName().equals(fileName)).findFirst()
        .orElseThrow(() -> new AssertionError("reflection served " + names + " for " + message + ", not " + fileName));
    assertTrue(file.getMessageTypeList().stream().anyMatch(m -> m.getName().equals(message)),
        fileName + " does not declare " + message);
  }
}
