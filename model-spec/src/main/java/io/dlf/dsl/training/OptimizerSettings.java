package io.dlf.dsl.training;

/**
 * Adam and gradient clipping, as FuxiCTR trains: PyTorch's Adam defaults and a global-norm clip of 10.
 *
 * @param clipNorm gradients are scaled so their global L2 norm is at most this; 0 disables clipping
 */
public record OptimizerSettings(float beta1, float beta2, float epsilon, float clipNorm) {

  public static OptimizerSettings defaults() {
    return new OptimizerSettings(0.9f, 0.999f, 1e-8f, 10f);
  }
}
