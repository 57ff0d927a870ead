package io.dlf.dsl.plan;

import io.dlf.dsl.spec.DlfLayer;
import java.util.List;

/** A DLF layer with resolved shapes. */
public record LayerPlan(int index, DlfLayer spec, List<StreamPlan> streams) {

  public LayerPlan {
    streams = List.copyOf(streams);
  }

  public String path() {
    return "dlf.layers[" + index + "]";
  }

  public int outputTokens() {
    return streams.stream().mapToInt(StreamPlan::fusedTokens).sum();
  }
}
