package io.dlf.server.testing;

import io.grpc.Channel;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** What a server's reflection service lists, asked as grpcurl's {@code list} asks it. */
public final class ReflectedServices {
  private static final long DEADLINE_SECONDS = 10;

  private ReflectedServices() {}

  /** The full names of the services {@code channel}'s server lists through reflection v1. */
  public static List<String> of(Channel channel) throws Exception {
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .serverReflectionInfo(new StreamObserver<>() {
          @Override
          public void onNext(ServerReflectionResponse value) {
            answer.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            answer.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    List<String> names = answer.get(DEADLINE_SECONDS, TimeUnit.SECONDS).getListServicesResponse().getServiceList()
        .stream().map(ServiceResponse::getName).toList();
    requests.onCompleted();
    return names;
  }
}
