package io.dlf.dsl.compile;

import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.FieldOrdering;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * One MGDIN branch's grouping of the E(1) fields: the order they are chunked in, and the groups
 * ranked by information (the mean of their fields', see {@link FieldOrdering#INFORMATION}).
 *
 * @param order E(1) field indices in grouping order; group m holds positions {@code [m g, (m + 1) g)},
 *     the last group padded past F
 * @param ranking group indices, most informative first (ties: the lower index first)
 */
record FieldGroups(int granularity, List<Integer> order, List<Integer> ranking) {

  FieldGroups {
    order = List.copyOf(order);
    ranking = List.copyOf(ranking);
  }

  /** The grouping of a layout's fields, each field's information taken from its vocabulary size. */
  static FieldGroups of(FieldLayout layout, FieldOrdering ordering, int granularity) {
    double[] information = layout.fields().stream().mapToDouble(f -> information(layout, f)).toArray();
    return of(information, ordering, granularity);
  }

  /** log |V| of the field's table (PAD and OOV included); 0 for a numeric field. */
  private static double information(FieldLayout layout, Feature field) {
    return field.hasVocabulary() ? Math.log(layout.tableSizes().get(field.vocabularyOwner())) : 0;
  }

  private static FieldGroups of(double[] information, FieldOrdering ordering, int granularity) {
    List<Integer> order = IntStream.range(0, information.length).boxed().toList();
    if (ordering == FieldOrdering.INFORMATION) {
      order = order.stream().sorted(Comparator.comparingDouble(f -> -information[f])).toList();
    }
    int groups = (information.length + granularity - 1) / granularity;
    double[] groupInformation = new double[groups];
    for (int m = 0; m < groups; m++) {
      List<Integer> members = order.subList(m * granularity, Math.min((m + 1) * granularity, order.size()));
      groupInformation[m] = members.stream().mapToDouble(f -> information[f]).average().orElseThrow();
    }
    List<Integer> ranking = IntStream.range(0, groups).boxed()
        .sorted(Comparator.comparingDouble(m -> -groupInformation[m])).toList();
    return new FieldGroups(granularity, order, ranking);
  }

  int groups() {
    return ranking.size();
  }

  /** Zero-embedding fields appended so the last group is full. */
  int padding() {
    return groups() * granularity - order.size();
  }

  boolean inNativeOrder() {
    return IntStream.range(0, order.size()).allMatch(i -> order.get(i) == i);
  }
}
