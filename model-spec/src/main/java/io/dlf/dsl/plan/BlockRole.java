package io.dlf.dsl.plan;

import io.dlf.dsl.spec.DlfLayer;

/** The three token-producing blocks of a DLF layer, in the order their outputs are concatenated. */
public enum BlockRole {
  HIGH_RANK("high_rank"),
  LOW_RANK("low_rank"),
  IMPLICIT("implicit");

  private final String pathName;

  BlockRole(String pathName) {
    this.pathName = pathName;
  }

  public String pathName() {
    return pathName;
  }

  public boolean enabledIn(DlfLayer layer) {
    return switch (this) {
      case HIGH_RANK -> layer.highRank().enabled();
      case LOW_RANK -> layer.lowRank().enabled();
      case IMPLICIT -> layer.implicit().enabled();
    };
  }

  public int tokensIn(DlfLayer layer) {
    return switch (this) {
      case HIGH_RANK -> layer.highRank().tokens();
      case LOW_RANK -> layer.lowRank().tokens();
      case IMPLICIT -> layer.implicit().tokens();
    };
  }
}
