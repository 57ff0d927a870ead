package io.dlf.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import io.dlf.server.auth.AuthConfig;
import io.dlf.server.testing.ReflectedServices;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import io.grpc.protobuf.services.HealthStatusManager;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A real server on a loopback port: health, reflection, metrics, error details, shutdown; a warning off loopback. */
class GrpcServerServiceTest {

  private static Injector injector() {
    return Guice.createInjector(new GrpcServerModule("test"), new AbstractModule() {
      @Override
      protected void configure() {
        bind(GrpcServerConfig.class).toInstance(GrpcServerConfig.local());
      }
    });
  }

  @Test
  @Tag("e2e")
  void servesHealthReflectionAndMetricsUntilStopped() throws Exception {
    GrpcServerService server = injector().getInstance(GrpcServerService.class);
    server.start();
    ManagedChannel channel = ManagedChannelBuilder.forTarget(server.target()).usePlaintext().build();
    try {
      HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
      assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.getDefaultInstance()).getStatus());

      List<String> names = ReflectedServices.of(channel);
      assertTrue(names.contains("grpc.health.v1.Health"), names.toString());

      HttpResponse<String> metrics = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, metrics.statusCode());
      assertTrue(metrics.body().contains("grpc_server_handled_total"), metrics.body());
    } finally {
      server.stop();
      channel.shutdownNow();
    }
  }

  @Test
  void warnsWhenItListensBeyondLoopback() throws Exception {
    assertEquals(List.of(), warningsOfAStartOn("127.0.0.1"));
    List<String> warnings = warningsOfAStartOn("0.0.0.0");
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).startsWith("test listens on 0.0.0.0, not just loopback: anyone who can reach this machine"
        + " can call it (no TLS, no authentication)"), warnings.get(0));
    assertTrue(warnings.get(0).endsWith("--host 127.0.0.1 keeps it local"), warnings.get(0));
  }

  /** The warnings a server on {@code host} (a free port, no metrics, no authentication allowed off loopback) logs as it starts. */
  private static List<String> warningsOfAStartOn(String host) throws Exception {
    Logger log = Logger.getLogger(GrpcServerService.class.getName());
    List<String> warnings = new CopyOnWriteArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getLevel() == Level.WARNING) {
          warnings.add(record.getMessage());
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    log.addHandler(handler);
    GrpcServerService server = new GrpcServerService("test", GrpcServerConfig.local().withHost(host).withMetricsPort(-1),
        AuthConfig.none().withAllowUnauthenticatedNetwork(true), Set.of(), Set.of(), new HealthStatusManager(),
        new PrometheusRegistry());
    try {
      server.start();
    } finally {
      server.stop();
      log.removeHandler(handler);
    }
    return List.copyOf(warnings);
  }

  @Test
  void errorsCarryFieldViolations() {
    StatusRuntimeException e = GrpcErrors.invalidArgument("spec.dlf.layers[2].naf.heads", "3 does not divide 64");
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals("spec.dlf.layers[2].naf.heads: 3 does not divide 64", e.getStatus().getDescription());
    com.google.rpc.Status details = StatusProto.fromThrowable(e);
    assertEquals(1, details.getDetailsCount());
    assertTrue(details.getDetails(0).is(com.google.rpc.BadRequest.class));
  }
}
