package io.dlf.serving.version;

import io.dlf.serving.ServingException;
import io.dlf.serving.ServingException.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * One model's versions and labels, and the routing table that requests read. Changes hold this
 * object's monitor and end by publishing a new immutable routing table; requests only read the
 * current table, so they never wait for a load or an unload.
 *
 * <p>A version is loaded and warmed up off to the side, then enters routing; only then do the
 * versions it replaces leave routing, drain and close ("availability preserving", as TensorFlow
 * Serving does it). A version that fails to load is FAILED and is not a candidate of the version
 * policy, so whatever served before keeps serving. Versions that labels point at stay loaded
 * while their folders exist. Labels come from the model's labels file in the repository (see
 * {@link LabelTable}): it is read with every scan, and a label change is written there first.
 */
final class ModelVersions {
  private static final Logger LOG = Logger.getLogger(ModelVersions.class.getName());

  /** The work a model's versions hand to the manager: it runs off the caller's thread. */
  interface Lifecycle {
    /** Loads and warms up a version, then calls {@link #loaded} or {@link #failed}. */
    void startLoad(ModelVersions model, long version);

    /** Drains and closes a version that has left routing, then calls {@link #unloaded}. */
    void startUnload(ModelVersions model, ServedVersion served);

    /** Something that changes when a version's files change, to retry a FAILED version then. */
    String fingerprint(String model, long version);

    VersionListener listener();

    /** The model's labels file as it stands now; an unreadable file is one of the answers, not an exception. */
    StoredLabels readLabels(String model);

    /**
     * Changes the model's labels file (starting from {@code initial} when it has none) and returns
     * what it now holds; {@code change} may throw to leave it as it is.
     *
     * @throws ServingException when the file cannot be read or written
     */
    StoredLabels changeLabels(String model, Map<String, Long> initial, Consumer<Map<String, Long>> change);

    /** Where the model's labels file is, for the status. */
    String labelsPath(String model);
  }

  private static final class Slot {
    final long version;
    final CompletableFuture<Void> settled = new CompletableFuture<>();
    VersionState state = VersionState.LOADING;
    Instant since = Instant.now();
    String error = "";
    String fingerprint = "";
    ServedVersion served;

    Slot(long version) {
      this.version = version;
    }

    VersionStatus status() {
      return new VersionStatus(version, state, error, since);
    }
  }

  private record Routing(NavigableMap<Long, ServedVersion> available, Map<String, Long> labels) {}

  private final String name;
  private final VersionPolicy policy;
  private final Lifecycle lifecycle;
  private final TreeMap<Long, Slot> slots = new TreeMap<>();
  private final LabelTable labels;
  private List<Long> onDisk = List.of();
  private boolean closed;
  private volatile Routing routing = new Routing(Collections.emptyNavigableMap(), Map.of());

  ModelVersions(String name, VersionPolicy policy, Map<String, Long> commandLineLabels, Lifecycle lifecycle) {
    this.name = name;
    this.policy = policy;
    this.lifecycle = lifecycle;
    this.labels = new LabelTable(name, commandLineLabels);
  }

  String name() {
    return name;
  }

  // ------------------------------------------------------------------------------------------
  // Requests: read the routing table, no lock.

  Lease acquire(VersionSelector selector) {
    while (true) {
      Routing r = routing;
      ServedVersion served = switch (selector.kind()) {
        case LATEST -> r.available().isEmpty() ? null : r.available().lastEntry().getValue();
        case NUMBER -> r.available().get(selector.version());
        case LABEL -> {
          Long version = r.labels().get(selector.label());
          yield version == null ? null : r.available().get(version);
        }
      };
      if (served == null) {
        if (r != routing) {
          continue;
        }
        throw notServing(selector);
      }
      Lease lease = served.tryAcquire();
      if (lease != null) {
        return lease;
      }
      // retired after this table was read: the current table no longer routes to it
    }
  }

  private synchronized ServingException notServing(VersionSelector selector) {
    switch (selector.kind()) {
      case LATEST -> {
        boolean loading = slots.values().stream().anyMatch(s -> s.state == VersionState.LOADING);
        return loading
            ? ServingException.of(Kind.UNAVAILABLE, "MODEL_LOADING",
                "model '" + name + "' has no AVAILABLE version yet: " + describeVersions() + "; retry shortly")
            : ServingException.of(Kind.FAILED_PRECONDITION, "NO_AVAILABLE_VERSION",
                "model '" + name + "' has no AVAILABLE version: " + describeVersions());
      }
      case NUMBER -> {
        return versionNotServing(selector.version(), "");
      }
      default -> {
        Long available = labels.inForce(selector.label());
        Long waiting = labels.wanted(selector.label());
        if (available == null && waiting == null) {
          return ServingException.of(Kind.NOT_FOUND, "LABEL_NOT_FOUND", "model '" + name + "' has no label '"
              + selector.label() + "'; its labels: " + labels.names());
        }
        return versionNotServing(available != null ? available : waiting, "label '" + selector.label() + "' points at ");
      }
    }
  }

  private ServingException versionNotServing(long version, String via) {
    Slot slot = slots.get(version);
    String subject = via + "version " + version + " of model '" + name + "'";
    if (slot == null) {
      String why = onDisk.contains(version) ? " is not served (version policy " + policy.text() + ")"
          : " does not exist";
      return ServingException.of(Kind.NOT_FOUND, "VERSION_NOT_FOUND", capitalize(subject) + why + "; versions: "
          + describeVersions());
    }
    return switch (slot.state) {
      case LOADING -> ServingException.of(Kind.UNAVAILABLE, "VERSION_LOADING",
          capitalize(subject) + " is LOADING; retry shortly");
      case FAILED -> ServingException.of(Kind.FAILED_PRECONDITION, "VERSION_FAILED",
          capitalize(subject) + " FAILED to load: " + slot.error);
      default -> ServingException.of(Kind.NOT_FOUND, "VERSION_NOT_FOUND",
          capitalize(subject) + " is " + slot.state + " and no longer served; versions: " + describeVersions());
    };
  }

  private static String capitalize(String text) {
    return Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  private String describeVersions() {
    if (slots.isEmpty()) {
      return "none";
    }
    List<String> parts = new ArrayList<>();
    slots.values().forEach(s -> parts.add(s.version + " " + s.state));
    return String.join(", ", parts);
  }

  // ------------------------------------------------------------------------------------------
  // Repository changes and load outcomes.

  /**
   * Brings the versions in line with the folders {@code present} in the repository and the labels
   * in line with the model's labels file: loads the versions the policy and the labels want, moves
   * labels whose versions are AVAILABLE, and unloads the rest once no wanted version is still loading.
   */
  synchronized void refresh(List<Long> present, boolean retryFailed) {
    if (closed) {
      return;
    }
    onDisk = List.copyOf(present);
    adoptLabels(lifecycle.readLabels(name));
    reconcile(retryFailed);
  }

  /** Takes the labels the file holds, and puts in force those whose versions are AVAILABLE. */
  private void adoptLabels(StoredLabels stored) {
    labels.adopt(stored);
    if (labels.settle(this::isAvailable)) {
      publish();
    }
  }

  private boolean isAvailable(long version) {
    Slot slot = slots.get(version);
    return slot != null && slot.state == VersionState.AVAILABLE;
  }

  private void reconcile(boolean retryFailed) {
    forgetFailures(retryFailed);
    List<Long> candidates = onDisk.stream()
        .filter(v -> !slots.containsKey(v) || slots.get(v).state != VersionState.FAILED).toList();
    Set<Long> wanted = new TreeSet<>(policy.select(candidates));
    labels.versionsHeld().stream().filter(candidates::contains).forEach(wanted::add);
    for (long version : wanted) {
      if (!slots.containsKey(version)) {
        Slot slot = new Slot(version);
        slot.fingerprint = lifecycle.fingerprint(name, version);
        slots.put(version, slot);
        lifecycle.listener().stateChanged(name, version, Optional.of(VersionState.LOADING));
        LOG.info(() -> "loading version " + version + " of model '" + name + "'");
        lifecycle.startLoad(this, version);
      }
    }
    boolean switching = slots.values().stream()
        .anyMatch(s -> s.state == VersionState.LOADING && wanted.contains(s.version));
    if (!switching) {
      for (Slot slot : List.copyOf(slots.values())) {
        if (slot.state == VersionState.AVAILABLE && !wanted.contains(slot.version)) {
          unload(slot);
        }
      }
    }
  }

  /**
   * Completes once no version is LOADING, counting the loads that finishing ones start (a failed
   * new version makes the one before it wanted again).
   */
  CompletableFuture<Void> settled() {
    CompletableFuture<?>[] loading;
    synchronized (this) {
      loading = slots.values().stream().filter(s -> s.state == VersionState.LOADING).map(s -> s.settled)
          .toArray(CompletableFuture[]::new);
    }
    if (loading.length == 0) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.allOf(loading).thenCompose(done -> settled());
  }

  private void forgetFailures(boolean retryFailed) {
    for (Slot slot : List.copyOf(slots.values())) {
      if (slot.state == VersionState.FAILED && (retryFailed || !onDisk.contains(slot.version)
          || !lifecycle.fingerprint(name, slot.version).equals(slot.fingerprint))) {
        slots.remove(slot.version);
        lifecycle.listener().stateChanged(name, slot.version, Optional.empty());
      }
    }
  }

  private void unload(Slot slot) {
    slot.state = VersionState.UNLOADING;
    slot.since = Instant.now();
    labels.versionLeaving(slot.version);
    publish();
    lifecycle.listener().stateChanged(name, slot.version, Optional.of(VersionState.UNLOADING));
    LOG.info(() -> "unloading version " + slot.version + " of model '" + name + "'");
    lifecycle.startUnload(this, slot.served);
  }

  /** A load finished: the version enters routing, and what it replaces can go. */
  void loaded(long version, ServedVersion served) {
    Slot slot;
    synchronized (this) {
      slot = closed ? null : slots.get(version);
      if (slot != null) {
        slot.state = VersionState.AVAILABLE;
        slot.since = Instant.now();
        slot.served = served;
        labels.settle(this::isAvailable);
        publish();
        lifecycle.listener().stateChanged(name, version, Optional.of(VersionState.AVAILABLE));
        LOG.info(() -> "version " + version + " of model '" + name + "' is AVAILABLE");
        reconcile(false);
      }
    }
    if (slot == null) {
      // stopped while it loaded: nobody can reach it
      served.retireAndClose();
      return;
    }
    // outside the monitor: whoever waits for the load may look at other models
    slot.settled.complete(null);
  }

  void failed(long version, String error) {
    Slot slot;
    synchronized (this) {
      slot = closed ? null : slots.get(version);
      if (slot == null) {
        return;
      }
      slot.state = VersionState.FAILED;
      slot.since = Instant.now();
      slot.error = error;
      lifecycle.listener().stateChanged(name, version, Optional.of(VersionState.FAILED));
      LOG.warning(() -> "version " + version + " of model '" + name + "' FAILED to load: " + error);
      reconcile(false);
    }
    slot.settled.complete(null);
  }

  synchronized void unloaded(long version) {
    slots.remove(version);
    lifecycle.listener().stateChanged(name, version, Optional.empty());
    LOG.info(() -> "version " + version + " of model '" + name + "' is unloaded");
    reconcile(false);
  }

  private void publish() {
    boolean wasReady = !routing.available().isEmpty();
    NavigableMap<Long, ServedVersion> available = new TreeMap<>();
    slots.values().stream().filter(s -> s.state == VersionState.AVAILABLE).forEach(s -> available.put(s.version, s.served));
    routing = new Routing(Collections.unmodifiableNavigableMap(available), labels.inForce());
    if (wasReady != !available.isEmpty()) {
      lifecycle.listener().readinessChanged(name, !available.isEmpty());
    }
  }

  // ------------------------------------------------------------------------------------------
  // Labels and status.

  /** Points a label at an AVAILABLE version: in the labels file first, then here. */
  synchronized ModelStatus setLabel(String label, long version) {
    Slot slot = slots.get(version);
    if (slot == null) {
      throw ServingException.of(Kind.NOT_FOUND, "VERSION_NOT_FOUND", "model '" + name + "' has no version " + version
          + "; versions: " + describeVersions());
    }
    if (slot.state != VersionState.AVAILABLE) {
      throw ServingException.of(Kind.FAILED_PRECONDITION, "VERSION_NOT_AVAILABLE", "version " + version + " of model '"
          + name + "' is " + slot.state + "; a label can only point at an AVAILABLE version");
    }
    adoptLabels(lifecycle.changeLabels(name, labels.commandLine(), file -> file.put(label, version)));
    reconcile(false);
    return status();
  }

  /** Removes a label from the labels file, then here. */
  synchronized ModelStatus removeLabel(String label) {
    adoptLabels(lifecycle.changeLabels(name, labels.commandLine(), file -> {
      if (file.remove(label) == null) {
        throw ServingException.of(Kind.NOT_FOUND, "LABEL_NOT_FOUND", "model '" + name + "' has no label '" + label
            + "'; its labels: " + new TreeSet<>(file.keySet()));
      }
    }));
    reconcile(false);
    return status();
  }

  synchronized ModelStatus status() {
    List<VersionStatus> versions = slots.values().stream().map(Slot::status).toList();
    Map.Entry<Long, ServedVersion> latest = routing.available().lastEntry();
    return new ModelStatus(name, versions, labels.inForce(), latest == null ? 0 : latest.getKey(), policy,
        labels.status(lifecycle.labelsPath(name), this::whyNoLabel));
  }

  /** Why a label cannot point at a version here, or empty while it is on its way (loading). */
  private Optional<String> whyNoLabel(long version) {
    Slot slot = slots.get(version);
    if (slot != null && slot.state == VersionState.FAILED) {
      return Optional.of("FAILED to load");
    }
    if (slot == null && !onDisk.contains(version)) {
      return Optional.of("is not in the repository");
    }
    return Optional.empty();
  }

  synchronized boolean isEmpty() {
    return slots.isEmpty();
  }

  /** Takes every version out of routing and returns those that were serving, for the caller to close. */
  List<ServedVersion> close() {
    List<ServedVersion> serving = new ArrayList<>();
    List<Slot> all;
    synchronized (this) {
      closed = true;
      all = List.copyOf(slots.values());
      for (Slot slot : all) {
        if (slot.state == VersionState.AVAILABLE) {
          slot.state = VersionState.UNLOADING;
          serving.add(slot.served);
        }
      }
      publish();
    }
    all.forEach(slot -> slot.settled.complete(null));
    return serving;
  }
}
