package io.dlf.serving.version;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.repository.LabelsFile;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.proto.model.v1.ModelLabels;
import io.dlf.server.NamedThreads;
import io.dlf.serving.ServingException.Kind;
import io.dlf.serving.ServingException;
import io.dlf.serving.model.ModelLoader;
import io.dlf.serving.model.ServableModel;
import io.dlf.serving.model.WarmupExamples;
import io.dlf.serving.predict.BatcherFactory;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Every served model's versions: routes requests to a version, loads and unloads versions as the
 * repository changes (see {@link ModelVersions}), and holds labels, which live in each model's
 * labels file in the repository so that they outlive the server and are shared by its replicas. Loads run on a small pool of
 * their own so that a big model loading does not take the cores that answer requests; unloads
 * run on another, since each waits for its version's last request.
 */
@Singleton
public final class VersionManager implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(VersionManager.class.getName());
  private static final int MAX_ERROR_LENGTH = 2000;

  private final VersionsConfig config;
  private final ModelRepository repository;
  private final LabelsFile labelsFiles;
  private final ModelLoader loader;
  private final BatcherFactory batchers;
  private final VersionListener listener;
  private final ConcurrentHashMap<String, ModelVersions> models = new ConcurrentHashMap<>();
  private final ExecutorService loads;
  private final ExecutorService unloads;
  private final ModelVersions.Lifecycle lifecycle = new Lifecycle();

  @Inject
  public VersionManager(VersionsConfig config, ModelRepository repository, ModelLoader loader, BatcherFactory batchers,
      Set<VersionListener> listeners) {
    this.config = config;
    this.repository = repository;
    this.labelsFiles = new LabelsFile(repository);
    this.loader = loader;
    this.batchers = batchers;
    this.listener = new Listeners(List.copyOf(listeners));
    this.loads = Executors.newFixedThreadPool(config.loadThreads(), NamedThreads.daemon("serving-load"));
    this.unloads = Executors.newSingleThreadExecutor(NamedThreads.daemon("serving-unload"));
  }

  /** A lease on the version a request selects. Throws NOT_FOUND, UNAVAILABLE or FAILED_PRECONDITION naming why. */
  public Lease acquire(String model, VersionSelector selector) {
    return model(model).acquire(selector);
  }

  private ModelVersions model(String name) {
    ModelVersions model = models.get(name);
    if (model == null) {
      throw ServingException.of(Kind.NOT_FOUND, "MODEL_NOT_FOUND", "model '" + name + "' is not served; models: "
          + new java.util.TreeSet<>(models.keySet()));
    }
    return model;
  }

  /**
   * Brings a model in line with the version folders {@code present} in the repository and with its
   * labels file; returns a future that completes once the model has no version LOADING.
   * {@code retryFailed} loads FAILED versions again.
   */
  public CompletableFuture<Void> reconcile(String model, List<Long> present, boolean retryFailed) {
    ModelVersions versions = present.isEmpty() ? models.get(model) : models.computeIfAbsent(model, this::create);
    if (versions == null) {
      return CompletableFuture.completedFuture(null);
    }
    versions.refresh(present, retryFailed);
    if (present.isEmpty() && versions.isEmpty()) {
      models.remove(model, versions);
    }
    return versions.settled();
  }

  private ModelVersions create(String model) {
    Map<String, Long> labels = new TreeMap<>();
    config.labels().stream().filter(l -> l.model().equals(model)).forEach(l -> labels.put(l.label(), l.version()));
    return new ModelVersions(model, config.policyOf(model), labels, lifecycle);
  }

  /** The names of the models served (those with at least one version folder). */
  public List<String> models() {
    return models.keySet().stream().sorted().toList();
  }

  public ModelStatus status(String model) {
    return model(model).status();
  }

  public List<ModelStatus> statuses() {
    return models().stream().map(models::get).filter(m -> m != null).map(ModelVersions::status).toList();
  }

  /**
   * Points a label at an AVAILABLE version, in the model's labels file first: the other servers of
   * the repository take it on their next scan. Fails when the file cannot be written.
   */
  public ModelStatus setLabel(String model, String label, long version) {
    try {
      LabelsFile.checkLabel(label);
    } catch (IllegalArgumentException e) {
      throw ServingException.invalid("label", e.getMessage());
    }
    return model(model).setLabel(label, version);
  }

  public ModelStatus removeLabel(String model, String label) {
    return model(model).removeLabel(label);
  }

  /** Stops every version: queued requests fail with UNAVAILABLE, running ones finish, sessions close. */
  @Override
  public void close() {
    List<ServedVersion> serving = new ArrayList<>();
    models.values().forEach(m -> serving.addAll(m.close()));
    serving.forEach(ServedVersion::abandonQueue);
    serving.forEach(ServedVersion::retireAndClose);
    shutdown(loads, "loads");
    shutdown(unloads, "unloads");
  }

  private static void shutdown(ExecutorService executor, String what) {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(2, TimeUnit.MINUTES)) {
        LOG.warning("version " + what + " still running after 2 minutes; leaving them");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private ServedVersion load(String model, long version) throws IOException {
    ServableModel servable = loader.load(repository.versionDir(model, version));
    try {
      warmUp(servable);
    } catch (RuntimeException e) {
      servable.close();
      throw new IOException("the warm-up call failed: " + e.getMessage(), e);
    }
    return new ServedVersion(model, version, servable, batchers.create(model, version, servable));
  }

  private void warmUp(ServableModel servable) {
    List<RawBatch> batches = List.of(WarmupExamples.of(servable.inputs(), 1),
        WarmupExamples.of(servable.inputs(), batchers.config().maxBatchSize()));
    for (int i = 0; i < config.warmupIterations(); i++) {
      batches.forEach(servable::predict);
    }
  }

  /** The exception's message; with its kind when that is the whole story (the JDK's file errors name only the file). */
  private static String describe(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName()
        : e instanceof FileSystemException ? e.getClass().getSimpleName() + ": " + e.getMessage() : e.getMessage();
    return message.length() <= MAX_ERROR_LENGTH ? message : message.substring(0, MAX_ERROR_LENGTH) + "...";
  }

  private final class Lifecycle implements ModelVersions.Lifecycle {
    @Override
    public void startLoad(ModelVersions model, long version) {
      loads.execute(() -> {
        long start = System.nanoTime();
        try {
          ServedVersion served = load(model.name(), version);
          listener.loadFinished(model.name(), version, Duration.ofNanos(System.nanoTime() - start), true);
          model.loaded(version, served);
        } catch (Exception e) {
          listener.loadFinished(model.name(), version, Duration.ofNanos(System.nanoTime() - start), false);
          model.failed(version, describe(e));
        }
      });
    }

    @Override
    public void startUnload(ModelVersions model, ServedVersion served) {
      unloads.execute(() -> {
        served.retireAndClose();
        model.unloaded(served.version());
      });
    }

    @Override
    public String fingerprint(String model, long version) {
      return VersionFingerprint.of(repository.versionDir(model, version));
    }

    @Override
    public VersionListener listener() {
      return listener;
    }

    @Override
    public StoredLabels readLabels(String model) {
      try {
        return labelsFiles.read(model).<StoredLabels>map(l -> new StoredLabels.Written(l.getGeneration(),
            l.getLabelsMap())).orElse(new StoredLabels.Absent());
      } catch (IOException e) {
        return new StoredLabels.Unreadable(describe(e));
      }
    }

    @Override
    public StoredLabels changeLabels(String model, Map<String, Long> initial, Consumer<Map<String, Long>> change) {
      try {
        ModelLabels written = labelsFiles.update(model, initial, change);
        return new StoredLabels.Written(written.getGeneration(), written.getLabelsMap());
      } catch (IOException e) {
        throw ServingException.of(Kind.FAILED_PRECONDITION, "LABELS_FILE", "the labels of model '" + model
            + "' are kept in " + labelsFiles.path(model) + ", which cannot be changed: " + describe(e)
            + "; the labels in force stay as they are");
      }
    }

    @Override
    public String labelsPath(String model) {
      return labelsFiles.path(model).toString();
    }
  }

  /** Tells every bound listener; one failing listener does not stop the others. */
  private record Listeners(List<VersionListener> all) implements VersionListener {
    @Override
    public void stateChanged(String model, long version, Optional<VersionState> state) {
      all.forEach(l -> guard(() -> l.stateChanged(model, version, state)));
    }

    @Override
    public void readinessChanged(String model, boolean ready) {
      all.forEach(l -> guard(() -> l.readinessChanged(model, ready)));
    }

    @Override
    public void loadFinished(String model, long version, Duration took, boolean succeeded) {
      all.forEach(l -> guard(() -> l.loadFinished(model, version, took, succeeded)));
    }

    private static void guard(Runnable call) {
      try {
        call.run();
      } catch (RuntimeException e) {
        LOG.log(java.util.logging.Level.WARNING, "a version listener failed", e);
      }
    }
  }
}
