package io.dlf.serving;

import static java.util.Objects.requireNonNull;

import io.dlf.serving.predict.BatchingConfig;
import io.dlf.serving.repository.RepositoryConfig;
import io.dlf.serving.version.VersionsConfig;
import io.dlf.server.GrpcServerConfig;
import io.dlf.server.auth.AuthConfig;
import java.nio.file.Path;
import java.time.Duration;

/** Everything a serving server is configured with, one part per subsystem. */
public record ServingConfig(
    GrpcServerConfig grpc, RepositoryConfig repository, VersionsConfig versions, BatchingConfig batching,
    AuthConfig auth) {

  public ServingConfig {
    requireNonNull(grpc, "grpc is null");
    requireNonNull(repository, "repository is null");
    requireNonNull(versions, "versions is null");
    requireNonNull(batching, "batching is null");
    requireNonNull(auth, "auth is null");
  }

  /**
   * A server for {@code root} on free loopback ports, polling every second, with the default versions and batching,
   * authenticating nobody.
   */
  public static ServingConfig local(Path root) {
    return new ServingConfig(GrpcServerConfig.local(), new RepositoryConfig(root, Duration.ofSeconds(1)),
        VersionsConfig.defaults(), BatchingConfig.defaults(), AuthConfig.none());
  }

  public ServingConfig withGrpc(GrpcServerConfig value) {
    return new ServingConfig(value, repository, versions, batching, auth);
  }

  public ServingConfig withRepository(RepositoryConfig value) {
    return new ServingConfig(grpc, value, versions, batching, auth);
  }

  public ServingConfig withVersions(VersionsConfig value) {
    return new ServingConfig(grpc, repository, value, batching, auth);
  }

  public ServingConfig withBatching(BatchingConfig value) {
    return new ServingConfig(grpc, repository, versions, value, auth);
  }

  public ServingConfig withAuth(AuthConfig value) {
    return new ServingConfig(grpc, repository, versions, batching, value);
  }
}
