package io.dlf.server.testing;

import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * The gRPC services and interceptors a server's injector binds (through {@code GrpcServerModule}),
 * served in this process under a generated name, and a channel to them: the real services, wired as
 * the server wires them, without a port.
 */
public final class InProcessGrpc implements AutoCloseable {
  private static final Key<Set<BindableService>> SERVICES = Key.get(new TypeLiteral<Set<BindableService>>() {});
  private static final Key<Set<ServerInterceptor>> INTERCEPTORS =
      Key.get(new TypeLiteral<Set<ServerInterceptor>>() {});

  private final Server server;
  private final ManagedChannel channel;

  private InProcessGrpc(Server server, ManagedChannel channel) {
    this.server = server;
    this.channel = channel;
  }

  public static InProcessGrpc serve(Injector injector) throws IOException {
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name);
    List<ServerInterceptor> interceptors = List.copyOf(injector.getInstance(INTERCEPTORS));
    for (BindableService service : injector.getInstance(SERVICES)) {
      builder.addService(ServerInterceptors.intercept(service, interceptors));
    }
    return new InProcessGrpc(builder.build().start(), InProcessChannelBuilder.forName(name).build());
  }

  public ManagedChannel channel() {
    return channel;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
  }
}
