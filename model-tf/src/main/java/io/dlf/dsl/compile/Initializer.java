package io.dlf.dsl.compile;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;

/**
 * The initial value of a variable, built in the init scope. Random initializers take two seeds
 * (the model seed and one derived from the variable's name) so a build is reproducible.
 */
@FunctionalInterface
public interface Initializer {

  Operand<TFloat32> create(Ops init, Shape shape, long seed, long seed2);

  static Initializer constant(float value) {
    return (init, shape, seed, seed2) -> init.fill(init.constant(shape), init.constant(value));
  }

  static Initializer zeros() {
    return constant(0f);
  }

  static Initializer ones() {
    return constant(1f);
  }

  static Initializer normal(float stddev) {
    return (init, shape, seed, seed2) -> init.math.mul(
        init.random.randomStandardNormal(init.constant(shape), TFloat32.class,
            RandomStandardNormal.seed(seed), RandomStandardNormal.seed2(seed2)),
        init.constant(stddev));
  }

  /**
   * Glorot/Xavier normal for a dense kernel {@code [..., fanIn, fanOut]} (the released code's
   * Linear init); leading dimensions stack independent kernels.
   */
  static Initializer xavierNormal() {
    return (init, shape, seed, seed2) -> {
      int rank = shape.numDimensions();
      return normal((float) Math.sqrt(2.0 / (shape.get(rank - 2) + shape.get(rank - 1)))).create(init, shape, seed, seed2);
    };
  }

  /**
   * Kaiming uniform with a = 0 as PyTorch applies it to a raw 2-D parameter: U(-b, b) with
   * b = sqrt(6 / shape[1]) (PyTorch takes dimension 1 as fan-in).
   */
  static Initializer kaimingUniform() {
    return (init, shape, seed, seed2) -> {
      float bound = (float) Math.sqrt(6.0 / shape.get(1));
      Operand<TFloat32> unit = init.random.randomUniform(init.constant(shape), TFloat32.class,
          RandomUniform.seed(seed), RandomUniform.seed2(seed2));
      return init.math.mul(init.math.sub(init.math.mul(unit, init.constant(2f)), init.constant(1f)),
          init.constant(bound));
    };
  }
}
