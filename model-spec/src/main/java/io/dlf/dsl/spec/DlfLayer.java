package io.dlf.dsl.spec;

import static java.util.Objects.requireNonNull;

/** One DLF interaction layer: three blocks, their fusion, then the residual and LayerNorm. */
public record DlfLayer(
    FmBlock lowRank, FmBlock highRank, ImplicitBlock implicit, Fusion fusion, Residual residual) {

  public DlfLayer {
    requireNonNull(lowRank, "lowRank is null");
    requireNonNull(highRank, "highRank is null");
    requireNonNull(implicit, "implicit is null");
    requireNonNull(fusion, "fusion is null");
    requireNonNull(residual, "residual is null");
  }

  /** Token counts, rank and hidden width the released code runs with (dlf-model-reference §7.1). */
  public static final int TOKENS = 32;
  public static final int RANK = 24;
  public static final int HIDDEN = 512;

  /**
   * The paper's layer: FM blocks and implicit block with ReLU outputs and the implicit bias (eqs.
   * 5-7), NAF fusion (eqs. 10-15), the element-wise gated residual (eq. 9). The default of every
   * part a serialized spec leaves out.
   */
  public static DlfLayer paper() {
    FmBlock fm = FmBlock.of(TOKENS, RANK, HIDDEN).outputActivation(Activation.RELU);
    return new DlfLayer(fm, fm, ImplicitBlock.of(TOKENS).bias(true).outputActivation(Activation.RELU),
        Fusion.naf(), Residual.elementwiseGate());
  }

  /** The released code's layer: linear block outputs, concat fusion, token-projection residual. */
  public static DlfLayer reference() {
    FmBlock fm = FmBlock.of(TOKENS, RANK, HIDDEN);
    return new DlfLayer(fm, fm, ImplicitBlock.of(TOKENS), Fusion.concat(), Residual.tokenProjection());
  }

  public DlfLayer lowRank(FmBlock value) {
    return new DlfLayer(value, highRank, implicit, fusion, residual);
  }

  public DlfLayer highRank(FmBlock value) {
    return new DlfLayer(lowRank, value, implicit, fusion, residual);
  }

  public DlfLayer implicit(ImplicitBlock value) {
    return new DlfLayer(lowRank, highRank, value, fusion, residual);
  }

  public DlfLayer fusion(Fusion value) {
    return new DlfLayer(lowRank, highRank, implicit, value, residual);
  }

  public DlfLayer residual(Residual value) {
    return new DlfLayer(lowRank, highRank, implicit, fusion, value);
  }
}
