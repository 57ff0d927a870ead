package io.dlf.dsl.spec;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * How a DLF layer's block outputs become its tokens.
 *
 * @param heads NAF: attention heads; must divide {@code attentionDim}
 * @param attentionDim NAF: the width d_a of queries, keys and values
 * @param sublayers NAF: stacked attention sub-layers, each refining the fused blocks
 * @param keepBlockOutputs NAF: output the fused and the original block tokens (2N, eq. 15) or
 *     only the fused ones (N)
 * @param mlp MLP fusion: its hidden layers
 */
public record Fusion(
    FusionKind kind, int heads, int attentionDim, int sublayers, boolean keepBlockOutputs, Mlp mlp) {

  public Fusion {
    requireNonNull(kind, "kind is null");
    requireNonNull(mlp, "mlp is null");
  }

  /** NAF with 2 heads, d_a = 64, 2 sub-layers and the 2N-token output (dlf-model-reference §5.3). */
  public static Fusion naf() {
    return new Fusion(FusionKind.NAF, 2, 64, 2, true, Mlp.of(512));
  }

  /** Fusion of that kind with the defaults of {@link #naf()} for the settings it does not use. */
  public static Fusion of(FusionKind kind) {
    return naf().kind(kind);
  }

  public static Fusion concat() {
    return of(FusionKind.CONCAT);
  }

  /** The block name in paths: {@code naf}, {@code concat}, ... */
  public String blockName() {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  public Fusion kind(FusionKind value) {
    return new Fusion(value, heads, attentionDim, sublayers, keepBlockOutputs, mlp);
  }

  public Fusion heads(int value) {
    return new Fusion(kind, value, attentionDim, sublayers, keepBlockOutputs, mlp);
  }

  public Fusion attentionDim(int value) {
    return new Fusion(kind, heads, value, sublayers, keepBlockOutputs, mlp);
  }

  public Fusion sublayers(int value) {
    return new Fusion(kind, heads, attentionDim, value, keepBlockOutputs, mlp);
  }

  public Fusion keepBlockOutputs(boolean value) {
    return new Fusion(kind, heads, attentionDim, sublayers, value, mlp);
  }

  public Fusion mlp(Mlp value) {
    return new Fusion(kind, heads, attentionDim, sublayers, keepBlockOutputs, value);
  }
}
