package io.dlf.dsl.plan;

import io.dlf.dsl.spec.MgdinBackbone;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * MGDIN with resolved shapes: per granularity g, M = ceil(F / g) group tokens of the branch width
 * through the layers, mean-pooled; the branches side by side.
 */
public record MgdinPlan(MgdinBackbone spec, int fields, int dim) implements BackbonePlan {

  /** Groups of a branch: {@code ceil(F / g)}, the last one padded. */
  public int groups(int granularity) {
    return (fields + granularity - 1) / granularity;
  }

  /** The block path of a branch: {@code mgdin.g2} for granularity 2. */
  public static String branchPath(int granularity) {
    return "mgdin.g" + granularity;
  }

  /** The block path of a branch's layer {@code l}, from 0. */
  public static String layerPath(int granularity, int l) {
    return branchPath(granularity) + ".layers[" + l + "]";
  }

  public int ffnWidth() {
    return spec.ffnMultiplier() * spec.width();
  }

  @Override
  public List<Integer> outputShape() {
    return List.of(spec.granularities().size() * spec.width());
  }

  @Override
  public List<SummaryRow> rows() {
    int width = spec.width();
    String schedule = spec.schedule().name().toLowerCase(Locale.ROOT);
    List<SummaryRow> rows = new ArrayList<>();
    for (int g : spec.granularities()) {
      List<Integer> shape = List.of(groups(g), width);
      rows.add(new SummaryRow(branchPath(g) + ".projection", "groups of " + g + " fields", shape,
          ParameterCounts.dense((long) g * dim, width)));
      for (int l = 0; l < spec.layers(); l++) {
        rows.add(new SummaryRow(layerPath(g, l), "masked attention (" + schedule + ") + ffn", shape,
            ParameterCounts.transformerLayer(width, ffnWidth())));
      }
    }
    rows.add(new SummaryRow("mgdin.pool", "mean of each branch, concatenated", outputShape(), 0));
    return rows;
  }

  @Override
  public <R> R accept(BackbonePlanVisitor<R> visitor) {
    return visitor.visitMgdin(this);
  }
}
