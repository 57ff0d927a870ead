package io.dlf.dsl.compile;

import io.dlf.dsl.plan.ParameterCounts;
import io.dlf.dsl.spec.Activation;
import io.dlf.dsl.spec.Mlp;
import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Neural-network building blocks at one block path of one tower. Ops go into a name scope made
 * from the path; variables are named {@code <path>.<local>} and shared across towers.
 */
final class Layers {
  private static final float BATCH_NORM_EPSILON = 1e-5f;
  private static final float BATCH_NORM_MOMENTUM = 0.1f;

  private final Ops tf;
  private final Parameters params;
  private final TowerState tower;
  private final String prefix;

  private Layers(Ops tf, Parameters params, TowerState tower, String prefix) {
    this.tf = tf;
    this.params = params;
    this.tower = tower;
    this.prefix = prefix;
  }

  /** The layers of a tower whose ops go under {@code towerOps}' scope. */
  static Layers tower(Ops towerOps, Parameters params, TowerState tower) {
    return new Layers(towerOps, params, tower, "");
  }

  /** Layers at a block path such as {@code dlf.layers[0].high_rank}. */
  Layers at(String path) {
    String name = variableName(path);
    return new Layers(tf.withSubScope(name), params, tower, name);
  }

  /** A path as a TensorFlow name: {@code dlf.layers[0].naf} becomes {@code dlf.layers_0.naf}. */
  static String variableName(String path) {
    return path.replace("[", "_").replace("]", "");
  }

  Ops tf() {
    return tf;
  }

  TowerState tower() {
    return tower;
  }

  Variable<TFloat32> weight(String local, Shape shape, Initializer init) {
    return params.get(qualified(local), Parameters.Kind.NET, shape, init);
  }

  EmbeddingTable embeddingTable(String local, Shape shape, Initializer init) {
    return params.table(qualified(local), shape, init);
  }

  /** The rows {@code ids} (any shape) of an embedding table, recorded for row-wise updates. */
  Operand<TFloat32> lookup(EmbeddingTable table, Operand<TInt32> ids) {
    EmbeddingTable.Gathered gathered = table.gather(tf, ids);
    tower.addLookup(new TableLookup(table, ids, gathered.rows(), gathered.reads()));
    return gathered.rows();
  }

  private String qualified(String local) {
    return prefix.isEmpty() ? local : prefix + "." + local;
  }

  /** {@code x [B, in] -> [B, out]} with a Xavier-normal kernel and a zero bias. */
  Operand<TFloat32> dense(String local, Operand<TFloat32> x, long in, long out) {
    return dense(local, x, in, out, Optional.empty());
  }

  /** A per-feature map {@code x * gamma + beta} that the next dense layer applies through its kernel and bias. */
  private record InputAffine(Operand<TFloat32> gamma, Operand<TFloat32> beta) {}

  /**
   * As {@link #dense(String, Operand, long, long)} on {@code x * gamma + beta} where {@code affine} is
   * given: {@code (x g + b) W + c = x (g W) + (b W + c)}, with {@code b W} as a sum of products (not a
   * matrix product, which a bfloat16 export would round).
   */
  private Operand<TFloat32> dense(String local, Operand<TFloat32> x, long in, long out, Optional<InputAffine> affine) {
    Operand<TFloat32> kernel = weight(local + ".w", Shape.of(in, out), Initializer.xavierNormal());
    Operand<TFloat32> bias = bias(local, out);
    if (affine.isPresent()) {
      Operand<TInt64> column = tf.constant(new long[] {in, 1});
      bias = tf.math.add(tf.sum(tf.math.mul(tf.reshape(affine.get().beta(), column), kernel), tf.constant(0)), bias);
      kernel = tf.math.mul(tf.reshape(affine.get().gamma(), column), kernel);
    }
    return tf.nn.biasAdd(tf.linalg.matMul(x, kernel), bias);
  }

  /** The zero-initialised bias {@code [out]} of the dense layer {@code local}: all that is left of it without inputs. */
  Variable<TFloat32> bias(String local, long out) {
    return weight(local + ".b", Shape.of(out), Initializer.zeros());
  }

  /** The same dense layer on every token: {@code x [B, n, in] -> [B, n, out]}. */
  Operand<TFloat32> tokenDense(String local, Operand<TFloat32> x, long n, long in, long out) {
    Operand<TFloat32> flat = tf.reshape(x, tf.constant(new long[] {-1, in}));
    return tf.reshape(dense(local, flat, in, out), tf.constant(new long[] {-1, n, out}));
  }

  /** A bias-free projection of every token: {@code x [B, n, in] -> [B, n, out]}. */
  Operand<TFloat32> tokenProjection(String local, Operand<TFloat32> x, long n, long in, long out) {
    Variable<TFloat32> kernel = weight(local, Shape.of(in, out), Initializer.xavierNormal());
    Operand<TFloat32> flat = tf.reshape(x, tf.constant(new long[] {-1, in}));
    return tf.reshape(tf.linalg.matMul(flat, kernel), tf.constant(new long[] {-1, n, out}));
  }

  /**
   * The hidden layers of {@code mlp} on {@code x [B, in]}: dense, optional batch norm, activation,
   * dropout. Returns the last hidden activation; its width is {@link ParameterCounts#width(long, Mlp)}.
   */
  Operand<TFloat32> mlpHidden(String local, Operand<TFloat32> x, long in, Mlp mlp) {
    return mlpHidden(local, x, in, mlp, tower.dropout());
  }

  /** As {@link #mlpHidden(String, Operand, long, Mlp)}, with dropout at {@code rate} instead of the tower's. */
  Operand<TFloat32> mlpHidden(String local, Operand<TFloat32> x, long in, Mlp mlp, float rate) {
    return mlpHidden(local, x, in, mlp, rate, Optional.empty());
  }

  private Operand<TFloat32> mlpHidden(String local, Operand<TFloat32> x, long in, Mlp mlp, float rate,
      Optional<InputAffine> affine) {
    Operand<TFloat32> h = x;
    long width = in;
    for (int i = 0; i < mlp.hidden().size(); i++) {
      int next = mlp.hidden().get(i);
      h = dense(local + ".hidden_" + i, h, width, next, i == 0 ? affine : Optional.empty());
      if (mlp.batchNorm()) {
        h = batchNorm(local + ".bn_" + i, h, next);
      }
      h = dropout(activation(mlp.activation(), h), rate);
      width = next;
    }
    return h;
  }

  /** Hidden layers then a dense output layer without activation. */
  Operand<TFloat32> mlp(String local, Operand<TFloat32> x, long in, Mlp mlp, long out) {
    return mlp(local, x, in, mlp, out, Optional.empty());
  }

  private Operand<TFloat32> mlp(String local, Operand<TFloat32> x, long in, Mlp mlp, long out,
      Optional<InputAffine> affine) {
    if (mlp.hidden().isEmpty()) {
      return dense(local + ".out", x, in, out, affine);
    }
    Operand<TFloat32> h = mlpHidden(local, x, in, mlp, tower.dropout(), affine);
    return dense(local + ".out", h, ParameterCounts.width(in, mlp), out);
  }

  /**
   * {@link #layerNorm} over {@code x [B, in]}, then {@link #mlp}, with the LayerNorm's gamma and beta
   * applied through the MLP's first dense layer: the same function of the same variables, without the
   * scaled and shifted copy of x that the backward pass would otherwise keep.
   */
  Operand<TFloat32> layerNormMlp(String norm, Operand<TFloat32> x, long in, float epsilon, String local, Mlp mlp,
      long out) {
    Operand<TFloat32> gamma = weight(norm + ".gamma", Shape.of(in), Initializer.ones());
    Operand<TFloat32> beta = weight(norm + ".beta", Shape.of(in), Initializer.zeros());
    return mlp(local, normalize(x, -1, epsilon), in, mlp, out, Optional.of(new InputAffine(gamma, beta)));
  }

  Operand<TFloat32> activation(Activation activation, Operand<TFloat32> x) {
    return switch (activation) {
      case NONE -> x;
      case RELU -> tf.nn.relu(x);
      case SIGMOID -> tf.math.sigmoid(x);
      case TANH -> tf.math.tanh(x);
      case SILU -> tf.math.mul(x, tf.math.sigmoid(x));
      case GELU -> tf.math.mul(tf.math.mul(x, tf.constant(0.5f)),
          tf.math.add(tf.constant(1f), tf.math.erf(tf.math.mul(x, tf.constant((float) (1 / Math.sqrt(2)))))));
    };
  }

  /** LayerNorm over the last axis (of size {@code width}) with learned gamma and beta. */
  Operand<TFloat32> layerNorm(String local, Operand<TFloat32> x, long width, float epsilon) {
    return affine(local, normalize(x, -1, epsilon), Shape.of(width), null);
  }

  /**
   * LayerNorm over axis 1 of dim-major tokens {@code [B, D, n]}, gamma and beta per channel.
   * The affine parameters are tiled to {@code [D, n]} before use, so their gradients reduce over
   * the batch axis alone: a reduction over axes 0 and 2 together is several times slower on CPU.
   */
  Operand<TFloat32> channelNorm(String local, Operand<TFloat32> x, long dim, long tokens, float epsilon) {
    return affine(local, normalize(x, 1, epsilon), Shape.of(dim, 1), new long[] {1, tokens});
  }

  private Operand<TFloat32> normalize(Operand<TFloat32> x, int axis, float epsilon) {
    Operand<org.tensorflow.types.TInt32> reduced = tf.constant(new int[] {axis});
    Operand<TFloat32> centered = tf.math.sub(x, tf.math.mean(x, reduced, Mean.keepDims(true)));
    Operand<TFloat32> variance = tf.math.mean(squared(centered), reduced, Mean.keepDims(true));
    return tf.math.mul(centered, tf.math.rsqrt(tf.math.add(variance, tf.constant(epsilon))));
  }

  /**
   * {@code x * x}, not Square: Square's gradient starts with {@code 2 * x}, which depends on forward
   * tensors only, so TensorFlow computes it during the forward pass and holds one more activation-sized
   * tensor until the backward pass reaches it. The product's gradient {@code dy * x + x * dy} is the
   * same number and waits for {@code dy}.
   */
  private Operand<TFloat32> squared(Operand<TFloat32> x) {
    return tf.math.mul(x, x);
  }

  private Operand<TFloat32> affine(String local, Operand<TFloat32> x, Shape shape, long[] tiles) {
    Operand<TFloat32> gamma = weight(local + ".gamma", shape, Initializer.ones());
    Operand<TFloat32> beta = weight(local + ".beta", shape, Initializer.zeros());
    if (tiles != null) {
      gamma = tf.tile(gamma, tf.constant(tiles));
      beta = tf.tile(beta, tf.constant(tiles));
    }
    return tf.math.add(tf.math.mul(x, gamma), beta);
  }

  /**
   * BatchNorm over the batch axis of {@code x [B, width]}: batch statistics while training (with
   * PyTorch's running averages, momentum 0.1, unbiased running variance), running ones otherwise.
   */
  Operand<TFloat32> batchNorm(String local, Operand<TFloat32> x, long width) {
    Operand<TFloat32> gamma = weight(local + ".gamma", Shape.of(width), Initializer.ones());
    Operand<TFloat32> beta = weight(local + ".beta", Shape.of(width), Initializer.zeros());
    Variable<TFloat32> runningMean = params.get(qualified(local + ".running_mean"), Parameters.Kind.STATE,
        Shape.of(width), Initializer.zeros());
    Variable<TFloat32> runningVar = params.get(qualified(local + ".running_var"), Parameters.Kind.STATE,
        Shape.of(width), Initializer.ones());
    Operand<TFloat32> mean;
    Operand<TFloat32> variance;
    if (tower.training()) {
      Operand<org.tensorflow.types.TInt32> batchAxis = tf.constant(new int[] {0});
      mean = tf.math.mean(x, batchAxis);
      // as in normalize: SquaredDifference's gradient would also run early
      variance = tf.math.mean(squared(tf.math.sub(x, mean)), batchAxis);
      Operand<TFloat32> n = tf.dtypes.cast(tf.shape.size(tf.shape(x), tf.constant(0)), TFloat32.class);
      Operand<TFloat32> unbiased = tf.math.mul(variance, tf.math.div(n, tf.math.maximum(tf.math.sub(n, tf.constant(1f)), tf.constant(1f))));
      // an update runs where its variable lives
      tower.addStateUpdate(params.colocated(tf, runningMean).assign(runningMean, movingAverage(runningMean, mean)));
      tower.addStateUpdate(params.colocated(tf, runningVar).assign(runningVar, movingAverage(runningVar, unbiased)));
    } else {
      mean = runningMean;
      variance = runningVar;
    }
    Operand<TFloat32> scale = tf.math.mul(gamma, tf.math.rsqrt(tf.math.add(variance, tf.constant(BATCH_NORM_EPSILON))));
    return tf.math.add(tf.math.mul(tf.math.sub(x, mean), scale), beta);
  }

  private Operand<TFloat32> movingAverage(Operand<TFloat32> running, Operand<TFloat32> batch) {
    return tf.math.add(tf.math.mul(running, tf.constant(1f - BATCH_NORM_MOMENTUM)),
        tf.math.mul(batch, tf.constant(BATCH_NORM_MOMENTUM)));
  }

  /** Inverted dropout at the tower's rate while training; the identity otherwise. */
  Operand<TFloat32> dropout(Operand<TFloat32> x) {
    return dropout(x, tower.dropout());
  }

  Operand<TFloat32> dropout(Operand<TFloat32> x, float rate) {
    if (!tower.training() || rate <= 0f) {
      return x;
    }
    Operand<TFloat32> uniform = tf.random.randomUniform(tf.shape(x), TFloat32.class,
        RandomUniform.seed(tower.seed()), RandomUniform.seed2(tower.nextDropoutSeed()));
    Operand<TFloat32> keep = tf.dtypes.cast(tf.math.greaterEqual(uniform, tf.constant(rate)), TFloat32.class);
    return tf.math.mul(x, tf.math.mul(keep, tf.constant(1f / (1f - rate))));
  }

  /**
   * Token mixing {@code (W * X)[b, :, j] = sum_i W[i, j] X[b, :, i]} on dim-major tokens
   * {@code x [B, D, n] -> [B, D, m]}: a linear map along the token axis shared across channels,
   * one plain matrix product in this layout.
   */
  Operand<TFloat32> tokenMix(String local, Operand<TFloat32> x, long dim, long n, long m, Initializer init) {
    Variable<TFloat32> w = weight(local, Shape.of(n, m), init);
    Operand<TFloat32> flat = tf.reshape(x, tf.constant(new long[] {-1, n}));
    return tf.reshape(tf.linalg.matMul(flat, w), tf.constant(new long[] {-1, dim, m}));
  }
}
