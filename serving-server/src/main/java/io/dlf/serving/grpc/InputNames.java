package io.dlf.serving.grpc;

import io.dlf.dsl.spec.Feature;
import io.dlf.serving.ServingException;
import io.dlf.serving.ServingException.Violation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** Checks that a request names exactly the inputs of a model version, as TensorFlow Serving and Triton do. */
final class InputNames {
  private InputNames() {}

  /**
   * Throws INVALID_ARGUMENT listing the missing and the unexpected names.
   *
   * @param what what carries the names, e.g. "example 2" or "the input tensors"
   * @param target the version, e.g. "model 'ctr' version 3"
   * @param field where a name sits in the request, for the field violations
   */
  static void check(Collection<String> sent, List<Feature> inputs, String what, String target,
      Function<String, String> field) {
    if (sent.size() == inputs.size() && inputs.stream().allMatch(f -> sent.contains(f.name()))) {
      return;
    }
    Set<String> missing = new TreeSet<>();
    List<Violation> violations = new ArrayList<>();
    for (Feature f : inputs) {
      if (!sent.contains(f.name())) {
        missing.add(f.name());
        violations.add(new Violation(field.apply(f.name()),
            "missing: the " + kind(f) + " input '" + f.name() + "' of " + target));
      }
    }
    Set<String> unexpected = new TreeSet<>(sent);
    inputs.forEach(f -> unexpected.remove(f.name()));
    unexpected.forEach(name -> violations.add(new Violation(field.apply(name), "not an input of " + target)));
    throw ServingException.invalid(what + " does not match the inputs of " + target + ": missing " + missing
        + ", not inputs of the model " + unexpected, violations);
  }

  /** "categorical", "numeric" or "sequence". */
  static String kind(Feature feature) {
    return feature.kind().name().toLowerCase(Locale.ROOT);
  }
}
