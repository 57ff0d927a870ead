package io.dlf.dsl.plan;

import java.util.Comparator;
import java.util.List;

/**
 * A size a request sets and its value, e.g. {@code dlf.layers[0].low_rank.tokens = 32}: one of the
 * factors a part of a {@link ResourceEstimate} scales with. Spec fields have their spec path; the
 * request's own fields are {@link ResourceEstimate#BATCH_SIZE} and {@link ResourceEstimate#DATA}.
 */
public record SizeField(String path, long value) {

  /** The largest of {@code fields}: the one to name when their product is too big. */
  static SizeField largest(List<SizeField> fields) {
    return fields.stream().max(Comparator.comparingLong(SizeField::value)).orElseThrow();
  }
}
