package io.dlf.dsl;

import io.dlf.dsl.spec.DlfBackbone;
import io.dlf.dsl.spec.FusionKind;
import io.dlf.dsl.spec.FusionSite;
import io.dlf.dsl.spec.ResidualKind;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The paper's ablations (Table 3), each one switch on a DLF backbone.
 *
 * <p>"w/o NAF" follows the paper's wording literally: fusion happens only before the head, with
 * each block kind in its own stream, as in two-stream models. Per-layer concatenation (the
 * released code) is the {@code concat} entry of the fusion study instead.
 */
public enum Ablation {
  /** Removes the residual gate: a plain residual, projected only where token counts differ. */
  NO_GATE(dlf -> dlf.eachLayer(l -> l.residual(
      l.residual().kind() == ResidualKind.ELEMENTWISE_GATE ? l.residual().kind(ResidualKind.TOKEN_PROJ) : l.residual()))),
  /** Removes the low-rank interaction with E(1), on top of removing the gate. */
  NO_RLI(dlf -> NO_GATE.apply(dlf).eachLayer(l -> l.lowRank(l.lowRank().enabled(false)))),
  /** Fuses only before the head: every block kind keeps its own stream. */
  NO_NAF(dlf -> dlf.fusionSite(FusionSite.FINAL_ONLY).eachLayer(l -> l.fusion(l.fusion().kind(FusionKind.CONCAT)))),
  /** Both removed. */
  NO_RLI_NO_NAF(dlf -> NO_NAF.apply(NO_RLI.apply(dlf)));

  private final UnaryOperator<DlfBackbone> change;

  Ablation(UnaryOperator<DlfBackbone> change) {
    this.change = change;
  }

  public DlfBackbone apply(DlfBackbone dlf) {
    return change.apply(dlf);
  }

  /** The preset-name suffix: {@code no-gate}, {@code no-rli}, ... */
  public String suffix() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

}
