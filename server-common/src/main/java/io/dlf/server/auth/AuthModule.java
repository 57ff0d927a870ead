package io.dlf.server.auth;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.OptionalBinder;
import io.dlf.server.GrpcServerModule;
import io.dlf.server.audit.AuditInterceptor;
import io.dlf.server.audit.AuditTarget;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Who may call a server and what is recorded: authentication (JWTs, static tokens, client certificates), the
 * policy file's roles checked against the server's {@link AccessRules}, and the audit log of state-changing calls.
 * Files are read and checked when the server is wired, so a bad one stops the start with its line.
 *
 * <p>Its two interceptors are bound here, in this order, because the audit interceptor must run outside the
 * auth interceptor (a server runs the last-bound interceptor first) to see the calls that auth refuses.
 */
public final class AuthModule extends AbstractModule {
  private static final Logger LOG = Logger.getLogger(AuthModule.class.getName());
  private static final Set<String> REFLECTION = Set.of("grpc.reflection.v1.ServerReflection",
      "grpc.reflection.v1alpha.ServerReflection");

  private final AuthConfig config;
  private final AccessRules rules;
  private final Map<String, ? extends AuditTarget<?, ?>> audited;

  /** @param audited the state-changing methods, by full name, and what each acts on */
  public AuthModule(AuthConfig config, AccessRules rules, Map<String, ? extends AuditTarget<?, ?>> audited) {
    this.config = config;
    this.rules = rules;
    this.audited = Map.copyOf(audited);
  }

  @Override
  protected void configure() {
    OptionalBinder.newOptionalBinder(binder(), AuthConfig.class).setBinding().toInstance(config);
    GrpcServerModule.interceptors(binder()).addBinding().to(AuthInterceptor.class);
    GrpcServerModule.interceptors(binder()).addBinding().toInstance(new AuditInterceptor(audited, Clock.systemUTC()));
  }

  @Provides
  @Singleton
  AuthInterceptor interceptor() {
    try {
      Policy policy = config.policyFile().isPresent()
          ? PolicyFile.read(config.policyFile().get(), rules) : Policy.everyRole(rules);
      List<BearerTokenVerifier> verifiers = new ArrayList<>();
      if (config.jwtKeys().isPresent()) {
        verifiers.add(JwtVerifier.fromFile(config.jwtKeys().get(), config.jwtIssuer(), config.jwtAudience()));
      }
      if (config.tokenFile().isPresent()) {
        verifiers.add(TokenFile.read(config.tokenFile().get()));
      }
      Optional<TokenCache> tokens = verifiers.isEmpty() ? Optional.empty()
          : Optional.of(new TokenCache(verifiers, policy::access, Clock.systemUTC()));
      Set<String> open = new HashSet<>();
      if (config.openHealth()) {
        open.add(HealthGrpc.SERVICE_NAME);
      }
      if (config.openReflection()) {
        open.addAll(REFLECTION);
      }
      AuthInterceptor interceptor = new AuthInterceptor(rules, policy, tokens, config.clientCa().isPresent(), open);
      describe(policy);
      return interceptor;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read an auth file: " + e.getMessage(), e);
    }
  }

  private void describe(Policy policy) {
    if (!config.authenticates()) {
      return;
    }
    List<String> how = new ArrayList<>();
    config.jwtKeys().ifPresent(f -> how.add("JWTs signed by the keys of " + f));
    config.tokenFile().ifPresent(f -> how.add("the tokens of " + f));
    config.clientCa().ifPresent(f -> how.add("client certificates signed by " + f));
    LOG.info(() -> rules.server() + " authenticates callers by " + String.join(", ", how) + "; roles "
        + config.policyFile().map(f -> "from " + f + " (" + policy.principals().size() + " entries)")
            .orElse("-"));
    if (policy.grantsEverything()) {
      LOG.warning(() -> rules.server() + " has no --auth-policy: every authenticated caller has every role");
    }
  }
}
