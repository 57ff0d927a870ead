package io.dlf.dsl.spec;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * DLF: a stack of interaction layers over the field embeddings E(1).
 *
 * @param inputs features stacked into E(1), in order; empty means every declared feature
 */
public record DlfBackbone(List<DlfLayer> layers, List<String> inputs, FusionSite fusionSite)
    implements Backbone {

  public DlfBackbone {
    layers = List.copyOf(requireNonNull(layers, "layers is null"));
    inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
    requireNonNull(fusionSite, "fusionSite is null");
  }

  /** {@code count} copies of {@code layer}, fused at every layer, over every declared feature. */
  public static DlfBackbone of(int count, DlfLayer layer) {
    return new DlfBackbone(Collections.nCopies(count, layer), List.of(), FusionSite.EVERY_LAYER);
  }

  @Override
  public String pathName() {
    return "dlf";
  }

  @Override
  public <R> R accept(BackboneVisitor<R> visitor) {
    return visitor.visitDlf(this);
  }

  public DlfBackbone layers(List<DlfLayer> value) {
    return new DlfBackbone(value, inputs, fusionSite);
  }

  /** Applies {@code change} to every layer. */
  public DlfBackbone eachLayer(UnaryOperator<DlfLayer> change) {
    return layers(layers.stream().map(change).toList());
  }

  public DlfBackbone inputs(List<String> value) {
    return new DlfBackbone(layers, value, fusionSite);
  }

  public DlfBackbone fusionSite(FusionSite value) {
    return new DlfBackbone(layers, inputs, value);
  }
}
