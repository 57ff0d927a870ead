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

  private Presets() {}

  /**
   * The sizes of a DLF preset: embedding dim D (also NAF's attention width), layers, tokens per
   * block, FM rank and the hidden width of block MLPs (and of the reference preset's head).
   */
  public record Size(int dim, int layers, int tokens, int rank, int hidden) {

    /** The released code's effective sizes (about 14.5M non-embedding parameters on Frappe). */
    public static Size reference() {
      return new Size(64, 3, DlfLayer.TOKENS, DlfLayer.RANK, DlfLayer.HIDDEN);
    }

    DlfLayer resize(DlfLayer layer) {
      return layer
          .lowRank(layer.lowRank().tokens(tokens).rank(rank).mlp(layer.lowRank().mlp().hidden(hidden)))
          .highRank(layer.highRank().tokens(tokens).rank(rank).mlp(layer.highRank().mlp().hidden(hidden)))
          .implicit(layer.implicit().tokens(tokens))
          .fusion(layer.fusion().attentionDim(dim));
    }
  }

  public static ModelSpecBuilder dlfPaper() {
    return dlfPaper(Size.reference());
  }

  public static ModelSpecBuilder dlfPaper(Size size) {
    return ModelSpec.builder(DLF_PAPER)
        .embeddingDim(size.dim())
        .backbone(DlfBackbone.of(size.layers(), size.resize(DlfLayer.paper())))
        .head(Head.linear());
  }

  public static ModelSpecBuilder dlfReference() {
    return dlfReference(Size.reference());
  }

  public static ModelSpecBuilder dlfReference(Size size) {
    return ModelSpec.builder(DLF_REFERENCE)
        .embeddingDim(size.dim())
        .backbone(DlfBackbone.of(size.layers(), size.resize(DlfLayer.reference())))
        .head(Head.mlp(Mlp.of(size.hidden())));
  }

  /** Every preset name {@link #named} accepts. */
  public static List<String> names() {
    List<String> names = new ArrayList<>(List.of(DLF_PAPER, DLF_REFERENCE));
    for (Ablation ablation : Ablation.values()) {
      names.add(DLF_PAPER + "-" + ablation.suffix());
    }
    return names;
  }

  /** The preset of that name, e.g. {@code dlf-paper-no-rli}, at the reference sizes. */
  public static ModelSpecBuilder named(String name) {
    return named(name, Size.reference());
  }

  /** The preset of that name at the given sizes. */
  public static ModelSpecBuilder named(String name, Size size) {
    String key = name.toLowerCase(Locale.ROOT);
    if (key.equals(DLF_REFERENCE)) {
      return dlfReference(size);
    }
    if (key.equals(DLF_PAPER)) {
      return dlfPaper(size);
    }
    for (Ablation ablation : Ablation.values()) {
      if (key.equals(DLF_PAPER + "-" + ablation.suffix())) {
        return dlfPaper(size).name(key).dlf(ablation::apply);
      }
    }
    throw new IllegalArgumentException("unknown preset '" + name + "'; known presets: " + String.join(", ", names()));
  }
}
