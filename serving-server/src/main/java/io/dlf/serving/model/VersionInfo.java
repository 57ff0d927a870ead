package io.dlf.serving.model;

import static java.util.Objects.requireNonNull;

/**
 * Facts about a version from its manifest and metrics.
 *
 * @param createdAt when it was exported (RFC 3339), or "" when unknown
 * @param testAuc test AUC of the training run, or NaN when the run had none
 * @param testLogloss test logloss of the training run, or NaN
 * @param precision how the version stores its weights and computes its products: "float32", "bfloat16" or "int8"
 */
public record VersionInfo(String createdAt, double testAuc, double testLogloss, String precision) {
  public VersionInfo {
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(precision, "precision is null");
  }
}
