package io.dlf.serving.repository;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.server.NamedThreads;
import io.dlf.serving.ServingException.Kind;
import io.dlf.serving.ServingException;
import io.dlf.serving.version.VersionManager;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the served versions, and the labels (each model's {@code labels.json}), in line with the
 * model repository: scans it at start, then every poll interval and on explicit reload. Scans run one at a time on the watcher's own thread.
 * Versions appear in the repository by an atomic rename, so a scan never sees a half-exported
 * one; a folder copied in by hand may be caught half-written, fails to load, and is tried again
 * once its files change.
 */
@Singleton
public final class RepositoryWatcher implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RepositoryWatcher.class.getName());

  private final RepositoryConfig config;
  private final ModelRepository repository;
  private final VersionManager versions;
  private final ScheduledExecutorService scanner =
      Executors.newSingleThreadScheduledExecutor(NamedThreads.daemon("serving-repository"));

  @Inject
  public RepositoryWatcher(RepositoryConfig config, ModelRepository repository, VersionManager versions) {
    this.config = config;
    this.repository = repository;
    this.versions = versions;
  }

  /** Scans the repository, waits until the versions it found have loaded (or failed), then starts polling. */
  public void start() throws IOException, InterruptedException {
    if (!Files.isDirectory(config.root())) {
      throw new IOException("the model repository " + config.root() + " is not a folder");
    }
    try {
      reload(Optional.empty(), false).get();
    } catch (ExecutionException e) {
      throw new IOException("the first scan of " + config.root() + " failed: " + e.getCause().getMessage(), e.getCause());
    }
    long poll = config.pollInterval().toMillis();
    if (poll > 0) {
      scanner.scheduleWithFixedDelay(this::poll, poll, poll, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Scans now, one model or all, trying FAILED versions again; completes once the loads it
   * started have finished. Fails with NOT_FOUND when the repository has no such model.
   */
  public CompletableFuture<Void> reload(Optional<String> model) {
    return reload(model, true);
  }

  private CompletableFuture<Void> reload(Optional<String> model, boolean retryFailed) {
    return CompletableFuture.supplyAsync(() -> scan(model, retryFailed), scanner).thenCompose(loads -> loads);
  }

  private void poll() {
    try {
      scan(Optional.empty(), false);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "scanning " + config.root() + " failed; trying again in " + config.pollInterval(), e);
    }
  }

  private CompletableFuture<Void> scan(Optional<String> only, boolean retryFailed) {
    Set<String> names = new TreeSet<>(versions.models());
    try {
      names.addAll(repository.models());
    } catch (IOException e) {
      LOG.warning(() -> "cannot list the model repository " + config.root() + ": " + e.getMessage());
      return CompletableFuture.completedFuture(null);
    }
    if (only.isPresent()) {
      if (!names.contains(only.get())) {
        throw ServingException.of(Kind.NOT_FOUND, "MODEL_NOT_FOUND", "the model repository " + config.root()
            + " has no model '" + only.get() + "'; models: " + names);
      }
      names = Set.of(only.get());
    }
    List<CompletableFuture<Void>> loads = new ArrayList<>();
    for (String name : names) {
      try {
        loads.add(versions.reconcile(name, repository.versions(name), retryFailed));
      } catch (IOException e) {
        LOG.warning(() -> "cannot list the versions of model '" + name + "': " + e.getMessage());
      }
    }
    return CompletableFuture.allOf(loads.toArray(CompletableFuture[]::new));
  }

  @Override
  public void close() {
    scanner.shutdownNow();
  }
}
