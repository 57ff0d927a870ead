package io.dlf.dsl.compile;

import io.dlf.dsl.training.OptimizerSettings;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The scalars of one Adam step at step {@code t}, for the dense ApplyAdam op and for row-wise
 * updates alike.
 *
 * @param alpha the bias-corrected step size {@code lr sqrt(1 - beta2^t) / (1 - beta1^t)}, as ApplyAdam computes it
 */
record AdamTerms(Operand<TFloat32> beta1Power, Operand<TFloat32> beta2Power, Operand<TFloat32> learningRate,
    Operand<TFloat32> beta1, Operand<TFloat32> beta2, Operand<TFloat32> epsilon, Operand<TFloat32> alpha,
    Operand<TFloat32> oneMinusBeta1, Operand<TFloat32> oneMinusBeta2) {

  static AdamTerms of(Ops tf, Operand<TFloat32> t, Operand<TFloat32> learningRate, OptimizerSettings settings) {
    Operand<TFloat32> one = tf.constant(1f);
    Operand<TFloat32> beta1 = tf.constant(settings.beta1());
    Operand<TFloat32> beta2 = tf.constant(settings.beta2());
    Operand<TFloat32> beta1Power = tf.math.pow(beta1, t);
    Operand<TFloat32> beta2Power = tf.math.pow(beta2, t);
    Operand<TFloat32> alpha = tf.math.div(tf.math.mul(learningRate, tf.math.sqrt(tf.math.sub(one, beta2Power))),
        tf.math.sub(one, beta1Power));
    return new AdamTerms(beta1Power, beta2Power, learningRate, beta1, beta2, tf.constant(settings.epsilon()), alpha,
        tf.math.sub(one, beta1), tf.math.sub(one, beta2));
  }
}
