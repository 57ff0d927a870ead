package io.dlf.dsl.spec;

/** Where the DLF blocks are fused. */
public enum FusionSite {
  /** Every layer fuses its blocks into the next layer's input. */
  EVERY_LAYER,
  /** Each block kind keeps its own stream; streams join only before the head. */
  FINAL_ONLY
}
