package io.dlf.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.proto.serving.v1.ModelSpec;
import io.dlf.proto.serving.v1.PredictResponse;
import io.dlf.proto.serving.v1.PredictionServiceGrpc;
import io.dlf.serving.grpc.PredictRequests;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a certificate configured, the server speaks TLS only. The pair under
 * {@code src/test/resources/tls} is self-signed for localhost and 127.0.0.1: {@code openssl req -x509
 * -newkey rsa:2048 -nodes -days 36500 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1}.
 */
@Tag("e2e")
class TlsEndToEndTest {

  @Test
  void onlyTlsClientsGetAnswers(@TempDir Path root) throws Exception {
    Path tls = Path.of(TlsEndToEndTest.class.getResource("/tls/server.crt").toURI()).getParent();
    TestVersions.publish(new ModelRepository(root), "ctr", 1);
    RawBatch batch = TestVersions.examples(3, 1);
    ModelSpec ctr = ModelSpec.newBuilder().setName("ctr").build();
    try (RunningServer serving = RunningServer.start(root,
        c -> c.withGrpc(c.grpc().withMetricsPort(-1).withTls(tls.resolve("server.crt"), tls.resolve("server.key"))))) {
      ManagedChannel secure = Grpc.newChannelBuilder(serving.server.target(),
          TlsChannelCredentials.newBuilder().trustManager(tls.resolve("server.crt").toFile()).build()).build();
      ManagedChannel plain = ManagedChannelBuilder.forTarget(serving.server.target()).usePlaintext().build();
      try {
        PredictResponse response = PredictionServiceGrpc.newBlockingStub(secure).withDeadlineAfter(30, TimeUnit.SECONDS)
            .predict(PredictRequests.rows(ctr, batch));
        assertArrayEquals(TestVersions.expected(1, batch),
            PredictionEndToEndTest.floats(response.getProbabilitiesList()), 1e-6f);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> PredictionServiceGrpc
            .newBlockingStub(plain).withDeadlineAfter(30, TimeUnit.SECONDS).predict(PredictRequests.rows(ctr, batch)));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
      } finally {
        secure.shutdownNow();
        plain.shutdownNow();
      }
    }
  }
}
