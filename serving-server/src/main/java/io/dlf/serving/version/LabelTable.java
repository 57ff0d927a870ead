package io.dlf.serving.version;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;
import java.util.logging.Logger;

/**
 * One model's labels, guarded by its {@link ModelVersions}: those the repository's labels file asks
 * for (the command line's while the model has no labels file), and those in force, which requests
 * route by and which only point at AVAILABLE versions. A label moves once its new version is
 * AVAILABLE, so requests through it never find it missing while it moves. A file that cannot be
 * read, or a label at a version that is missing or FAILED, leaves the labels in force as they are.
 */
final class LabelTable {
  private static final Logger LOG = Logger.getLogger(LabelTable.class.getName());

  private final String model;
  private final Map<String, Long> commandLine;
  private Map<String, Long> wanted;
  private final TreeMap<String, Long> inForce = new TreeMap<>();
  private long generation;
  private String fileError = "";

  LabelTable(String model, Map<String, Long> commandLine) {
    this.model = model;
    this.commandLine = Map.copyOf(commandLine);
    this.wanted = this.commandLine;
  }

  /** The labels the command line gives: they apply while the model has no labels file, and seed its first write. */
  Map<String, Long> commandLine() {
    return commandLine;
  }

  /** Takes what the labels file holds as the labels wanted; an unreadable file changes nothing but the status. */
  void adopt(StoredLabels stored) {
    if (stored instanceof StoredLabels.Unreadable unreadable) {
      if (!unreadable.error().equals(fileError)) {
        LOG.warning(() -> "the labels of model '" + model + "' stay as they are: " + unreadable.error());
      }
      fileError = unreadable.error();
      return;
    }
    fileError = "";
    if (stored instanceof StoredLabels.Written written) {
      generation = written.generation();
      wanted = written.labels();
    } else {
      generation = 0;
      wanted = commandLine;
    }
  }

  /**
   * Puts in force every wanted label whose version is AVAILABLE and drops the labels no longer
   * wanted; true when the labels in force changed.
   */
  boolean settle(LongPredicate available) {
    boolean changed = false;
    for (String label : List.copyOf(inForce.keySet())) {
      if (!wanted.containsKey(label)) {
        LOG.info(() -> "label '" + label + "' of model '" + model + "' removed");
        inForce.remove(label);
        changed = true;
      }
    }
    for (Map.Entry<String, Long> label : new TreeMap<>(wanted).entrySet()) {
      long version = label.getValue();
      if (available.test(version)) {
        Long before = inForce.put(label.getKey(), version);
        if (!Objects.equals(before, version)) {
          changed = true;
          LOG.info(() -> "label '" + label.getKey() + "' of model '" + model + "' points at version " + version
              + (before == null ? "" : " (was " + before + ")"));
        }
      }
    }
    return changed;
  }

  /** Drops the labels in force that point at a version about to be unloaded: nothing can answer through them. */
  void versionLeaving(long version) {
    inForce.entrySet().removeIf(e -> {
      if (e.getValue() == version) {
        LOG.warning(() -> "label '" + e.getKey() + "' of model '" + model + "' removed: version " + version
            + " is being unloaded");
        return true;
      }
      return false;
    });
  }

  Map<String, Long> inForce() {
    return Map.copyOf(inForce);
  }

  Long inForce(String label) {
    return inForce.get(label);
  }

  Long wanted(String label) {
    return wanted.get(label);
  }

  /** Every version a label points at or is to point at: they stay loaded. */
  Set<Long> versionsHeld() {
    Set<Long> held = new HashSet<>(inForce.values());
    held.addAll(wanted.values());
    return held;
  }

  Set<String> names() {
    Set<String> all = new TreeSet<>(inForce.keySet());
    all.addAll(wanted.keySet());
    return all;
  }

  /**
   * @param path where the labels file is
   * @param unusable why a version cannot take a label (missing, FAILED), or empty while it is on its way
   */
  LabelsFileStatus status(String path, LongFunction<Optional<String>> unusable) {
    Map<String, Long> pending = new TreeMap<>();
    List<String> errors = new ArrayList<>();
    if (!fileError.isEmpty()) {
      errors.add(fileError + "; the labels in force stay as they are");
    }
    new TreeMap<>(wanted).forEach((label, version) -> {
      Long current = inForce.get(label);
      if (!version.equals(current)) {
        Optional<String> why = unusable.apply(version);
        if (why.isPresent()) {
          errors.add("label '" + label + "' points at version " + version + ", which " + why.get()
              + (current == null ? "" : "; it stays at version " + current));
        } else {
          pending.put(label, version);
        }
      }
    });
    return new LabelsFileStatus(path, generation, pending, errors);
  }
}
