package io.dlf.serving.version;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which of a model's versions to serve, as TensorFlow Serving and Triton define it: the latest N,
 * all, or a given list. Versions that failed to load are not candidates, so a broken newest
 * version leaves the one before it serving.
 */
public sealed interface VersionPolicy {

  /** The versions to serve among {@code candidates} (ascending, loadable). */
  List<Long> select(List<Long> candidates);

  /** The policy in its text form, e.g. {@code latest:2}. */
  String text();

  /** The {@code count} highest versions. */
  record Latest(int count) implements VersionPolicy {
    public Latest {
      if (count < 1) {
        throw new IllegalArgumentException("latest:" + count + " must keep at least 1 version");
      }
    }

    @Override
    public List<Long> select(List<Long> candidates) {
      return candidates.subList(Math.max(0, candidates.size() - count), candidates.size());
    }

    @Override
    public String text() {
      return "latest:" + count;
    }
  }

  /** Every version in the repository. */
  record All() implements VersionPolicy {
    @Override
    public List<Long> select(List<Long> candidates) {
      return candidates;
    }

    @Override
    public String text() {
      return "all";
    }
  }

  /** Exactly these versions, those that exist. */
  record Specific(SortedSet<Long> versions) implements VersionPolicy {
    public Specific {
      versions = new TreeSet<>(versions);
      if (versions.isEmpty()) {
        throw new IllegalArgumentException("specific: needs at least one version");
      }
    }

    @Override
    public List<Long> select(List<Long> candidates) {
      return candidates.stream().filter(versions::contains).toList();
    }

    @Override
    public String text() {
      List<String> numbers = new ArrayList<>();
      versions.forEach(v -> numbers.add(Long.toString(v)));
      return "specific:" + String.join(",", numbers);
    }
  }

  /** Serving one version, the newest: TensorFlow Serving's default. */
  static VersionPolicy latest() {
    return new Latest(1);
  }

  /** Parses {@code latest}, {@code latest:N}, {@code all} or {@code specific:V1,V2,...}. */
  static VersionPolicy parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.equals("latest")) {
        return latest();
      }
      if (t.startsWith("latest:")) {
        return new Latest(Integer.parseInt(t.substring("latest:".length())));
      }
      if (t.equals("all")) {
        return new All();
      }
      if (t.startsWith("specific:")) {
        SortedSet<Long> versions = new TreeSet<>();
        for (String v : t.substring("specific:".length()).split(",")) {
          long version = Long.parseLong(v.trim());
          if (version < 1) {
            throw new IllegalArgumentException("version " + version + " must be at least 1");
          }
          versions.add(version);
        }
        return new Specific(versions);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("version policy '" + text + "' has a bad number: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("version policy '" + text
        + "' is not one of latest, latest:N, all, specific:V1,V2,...");
  }
}
