package io.dlf.dsl;

import io.dlf.dsl.spec.DlfBackbone;
import io.dlf.dsl.spec.DlfLayer;
import io.dlf.dsl.spec.Head;
import io.dlf.dsl.spec.Mlp;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.spec.ModelSpecBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Named starting points. Each returns a builder without features: declare them, adjust, build.
 *
 * <ul>
 *   <li>{@code dlf-paper}: the paper's DLF ({@link DlfLayer#paper()}) with a linear head (eq. 16).
 *   <li>{@code dlf-reference}: what the released code runs (dlf-model-reference §4.2,
 *       {@link DlfLayer#reference()}) with a 512-unit MLP head with batch norm.
 *   <li>{@code dlf-paper-no-gate}, {@code -no-rli}, {@code -no-naf}, {@code -no-rli-no-naf}: the
 *       paper preset with one {@link Ablation}.
 * </ul>
 *
 * <p>Both DLF presets use the released code's effective sizes: D = 64, three layers, 32 tokens per
 * block, rank 24, block MLPs with one 512-unit hidden layer; NAF uses 2 heads, d_a = D and 2
 * attention sub-layers.
 */
public final class Presets {
  public static final String DLF_PAPER = "dlf-paper";
  public static final String DLF_REFERENCE = "dlf-reference";

  private static final int LAYERS = 3;
  private static final int DIM = 64;

  private Presets() {}

  public static ModelSpecBuilder dlfPaper() {
    DlfLayer layer = DlfLayer.paper();
    return ModelSpec.builder(DLF_PAPER)
        .embeddingDim(DIM)
        .backbone(DlfBackbone.of(LAYERS, layer.fusion(layer.fusion().attentionDim(DIM))))
        .head(Head.linear());
  }

  public static ModelSpecBuilder dlfReference() {
    return ModelSpec.builder(DLF_REFERENCE)
        .embeddingDim(DIM)
        .backbone(DlfBackbone.of(LAYERS, DlfLayer.reference()))
        .head(Head.mlp(Mlp.of(DlfLayer.HIDDEN)));
  }

  /** Every preset name {@link #named} accepts. */
  public static List<String> names() {
    List<String> names = new ArrayList<>(List.of(DLF_PAPER, DLF_REFERENCE));
    for (Ablation ablation : Ablation.values()) {
      names.add(DLF_PAPER + "-" + ablation.suffix());
    }
    return names;
  }

  /** The preset of that name, e.g. {@code dlf-paper-no-rli}. */
  public static ModelSpecBuilder named(String name) {
    String key = name.toLowerCase(Locale.ROOT);
    if (key.equals(DLF_REFERENCE)) {
      return dlfReference();
    }
    if (key.equals(DLF_PAPER)) {
      return dlfPaper();
    }
    for (Ablation ablation : Ablation.values()) {
      if (key.equals(DLF_PAPER + "-" + ablation.suffix())) {
        return dlfPaper().name(key).dlf(ablation::apply);
      }
    }
    throw new IllegalArgumentException("unknown preset '" + name + "'; known presets: " + String.join(", ", names()));
  }
}
