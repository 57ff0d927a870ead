package io.dlf.dsl.compile;

import io.dlf.dsl.plan.BlockPlan;
import io.dlf.dsl.plan.StreamPlan;
import io.dlf.dsl.spec.Fusion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Network-aware attention fusion (paper eqs. 10-15, as reconstructed in dlf-model-reference
 * §5.1). Per sub-layer and block i: queries, keys and values of its own; cross-attention of
 * i's queries to every other block j, each with its own softmax, merged by W_C; self-attention
 * within i; both aggregated by W_F into {@code H_i}, which feeds the next sub-layer. The output
 * concatenates the fused blocks, then (optionally) the original block outputs.
 *
 * <p>Batch-1 inference is bound by the number of ops, not by their size, so the k blocks are
 * stacked on an axis of their own, block-major {@code [k, B * n, D]}, and every per-block weight
 * becomes one slice of a stacked kernel: a sub-layer is a dozen ops whatever k and the heads. With
 * the block axis first, a product by a stacked kernel is one matrix product per block over all the
 * batch's tokens, and so is its kernel's gradient; with the batch axis first, the kernel would be
 * broadcast over the batch and its gradient built per sample, {@code [B, k, D, 3 d_a]}, then summed.
 * Blocks with fewer
 * tokens than the largest are padded; their padding is masked as keys and dropped at the end.
 * The kernels are assembled from the per-block weights in the graph (the weights keep their names
 * and shapes); with frozen weights TensorFlow folds that assembly once, at load.
 */
final class NetworkAwareFusion {
  private final Layers at;
  private final Ops tf;
  private final Fusion fusion;
  private final List<BlockPlan> blocks;
  private final int dim;
  private final int k;
  private final int n;
  private final int da;

  private NetworkAwareFusion(Layers at, Fusion fusion, StreamPlan stream, int dim) {
    this.at = at;
    this.tf = at.tf();
    this.fusion = fusion;
    this.blocks = stream.blocks();
    this.dim = dim;
    this.k = blocks.size();
    this.n = blocks.stream().mapToInt(BlockPlan::outputTokens).max().orElseThrow();
    this.da = fusion.attentionDim();
  }

  /** The fused tokens, dim-major, from the blocks' dim-major outputs {@code Z_b [B, D, n_b]}. */
  static Operand<TFloat32> fuse(Layers at, Fusion fusion, StreamPlan stream, List<Operand<TFloat32>> outputs,
      int dim) {
    return new NetworkAwareFusion(at, fusion, stream, dim).fuse(outputs);
  }

  private Operand<TFloat32> fuse(List<Operand<TFloat32>> outputs) {
    Optional<Operand<TFloat32>> keyMask = padded() ? Optional.of(tf.constant(keyMask())) : Optional.empty();
    Operand<TFloat32> h = stack(outputs);
    for (int s = 0; s < fusion.sublayers(); s++) {
      h = sublayer("s" + s, h, keyMask);
    }
    List<Operand<TFloat32>> out = unstack(h);
    if (fusion.keepBlockOutputs()) {
      out.addAll(outputs);
    }
    return Tokens.concat(tf, out);
  }

  /**
   * One sub-layer on stacked tokens {@code [k, B * n, D]}. The attention output of each query token
   * over each key block j is one slot of {@code [k, B * n, k * d_a]}; for block i, slot i is its
   * self-attention and the others its cross-attention, so {@code W_F [W_C cross + b_C; self] + b_F}
   * is a single product with a kernel that routes each slot (see {@link #slotFusion}).
   */
  private Operand<TFloat32> sublayer(String name, Operand<TFloat32> h, Optional<Operand<TFloat32>> keyMask) {
    int heads = fusion.heads();
    long dh = da / heads;
    Operand<TFloat32> qkv = tf.train.batchMatMul(h, projectionKernel(name), TFloat32.class);
    // [k, B, n, 3, heads, d_h] -> [3, B, heads, k * n, d_h]: head-major queries, keys and values
    Operand<TFloat32> split = tf.reshape(qkv, tf.constant(new long[] {k, -1, n, 3, heads, dh}));
    Operand<TFloat32> headMajor = tf.reshape(tf.linalg.transpose(split, tf.constant(new int[] {3, 1, 4, 0, 2, 5})),
        tf.constant(new long[] {3, -1, heads, (long) k * n, dh}));
    List<Output<TFloat32>> parts = tf.unstack(headMajor, 3L).output();
    Operand<TFloat32> attended = KeyBlockAttention.attend(tf, at::dropout, parts.get(0), parts.get(1), parts.get(2), k,
        keyMask);
    // [B, heads, k (key block), k (query block), n, d_h] -> [k (query block), B * n, k * d_a], heads merged
    // within each slot
    Operand<TFloat32> byQueryBlock = tf.reshape(attended, tf.constant(new long[] {-1, heads, k, k, n, dh}));
    Operand<TFloat32> perKeyBlock = tf.reshape(tf.linalg.transpose(byQueryBlock,
        tf.constant(new int[] {3, 0, 4, 2, 1, 5})), tf.constant(new long[] {k, -1, (long) k * da}));
    List<Operand<TFloat32>> kernels = new ArrayList<>();
    List<Operand<TFloat32>> biases = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      SlotFusion block = slotFusion(name + "." + blocks.get(i).role().pathName(), i);
      kernels.add(block.kernel());
      biases.add(block.bias());
    }
    Operand<TFloat32> fused = tf.math.add(tf.train.batchMatMul(perKeyBlock, tf.stack(kernels), TFloat32.class),
        tf.stack(biases));
    return at.dropout(fused);
  }

  /**
   * {@code [k, D, 3 d_a]}: block i's {@code [W^Q_i / sqrt(d_h) | W^K_i | W^V_i]}; the attention's scale
   * is folded into the queries' kernel.
   */
  private Operand<TFloat32> projectionKernel(String sublayer) {
    float scale = (float) (1 / Math.sqrt((double) da / fusion.heads()));
    List<Operand<TFloat32>> perBlock = new ArrayList<>();
    for (BlockPlan block : blocks) {
      String name = sublayer + "." + block.role().pathName();
      Operand<TFloat32> q = tf.math.mul(weight(name + ".q", dim, da), tf.constant(scale));
      perBlock.add(tf.concat(List.of(q, weight(name + ".k", dim, da), weight(name + ".v", dim, da)), tf.constant(1)));
    }
    return tf.stack(perBlock);
  }

  /** Block i's fusion over its k attention slots: {@code kernel [k * d_a, D]} and {@code bias [1, D]}. */
  private record SlotFusion(Operand<TFloat32> kernel, Operand<TFloat32> bias) {}

  /**
   * With W_F split into {@code W_F^C} (its rows for the merged cross-attention) and {@code W_F^S} (for
   * the self-attention): slot j != i gets W_C's rows for j times {@code W_F^C}, slot i gets
   * {@code W_F^S}, and the bias is {@code b_C W_F^C + b_F}.
   */
  private SlotFusion slotFusion(String block, int i) {
    Operand<TFloat32> cross = weight(block + ".cross.w", (long) (k - 1) * da, dim);
    Operand<TFloat32> crossBias = tf.reshape(at.bias(block + ".cross", dim), tf.constant(new long[] {1, dim}));
    List<Output<TFloat32>> fuse = tf.splitV(weight(block + ".fuse.w", (long) dim + da, dim),
        tf.constant(new long[] {dim, da}), tf.constant(0), 2L).output();
    Operand<TFloat32> crossSlots = tf.linalg.matMul(cross, fuse.get(0));
    // one other block needs no split, and TensorFlow cannot differentiate a one-way split
    List<Operand<TFloat32>> slots = new ArrayList<>(k == 2 ? List.of(crossSlots)
        : tf.split(tf.constant(0), crossSlots, k - 1L).output());
    slots.add(i, fuse.get(1));
    Operand<TFloat32> bias = tf.math.add(tf.linalg.matMul(crossBias, fuse.get(0)), at.bias(block + ".fuse", dim));
    return new SlotFusion(tf.concat(slots, tf.constant(0)), bias);
  }

  private Operand<TFloat32> weight(String local, long rows, long columns) {
    return at.weight(local, Shape.of(rows, columns), Initializer.xavierNormal());
  }

  /** {@code [k, B * n, D]} from dim-major outputs {@code [B, D, n_b]}, each padded to n tokens. */
  private Operand<TFloat32> stack(List<Operand<TFloat32>> outputs) {
    List<Operand<TFloat32>> padded = new ArrayList<>();
    for (int b = 0; b < k; b++) {
      int missing = n - blocks.get(b).outputTokens();
      padded.add(missing == 0 ? outputs.get(b)
          : tf.pad(outputs.get(b), tf.constant(new int[][] {{0, 0}, {0, 0}, {0, missing}}), tf.constant(0f)));
    }
    Operand<TFloat32> byBlock = tf.reshape(Tokens.concat(tf, padded), tf.constant(new long[] {-1, dim, k, n}));
    Operand<TFloat32> blockMajor = tf.linalg.transpose(byBlock, tf.constant(new int[] {2, 0, 3, 1}));
    return tf.reshape(blockMajor, tf.constant(new long[] {k, -1, dim}));
  }

  /** Dim-major {@code [B, D, n_b]} tokens of every block in order (one tensor for all when none is padded). */
  private List<Operand<TFloat32>> unstack(Operand<TFloat32> stacked) {
    Operand<TFloat32> byBlock = tf.reshape(stacked, tf.constant(new long[] {k, -1, n, dim}));
    Operand<TFloat32> dimMajor = tf.reshape(tf.linalg.transpose(byBlock, tf.constant(new int[] {1, 3, 0, 2})),
        tf.constant(new long[] {-1, dim, (long) k * n}));
    List<Operand<TFloat32>> out = new ArrayList<>();
    if (!padded()) {
      out.add(dimMajor);
      return out;
    }
    List<Output<TFloat32>> parts = tf.split(tf.constant(2), dimMajor, (long) k).output();
    for (int b = 0; b < k; b++) {
      out.add(tf.slice(parts.get(b), tf.constant(new int[] {0, 0, 0}),
          tf.constant(new int[] {-1, -1, blocks.get(b).outputTokens()})));
    }
    return out;
  }

  private boolean padded() {
    return blocks.stream().anyMatch(b -> b.outputTokens() < n);
  }

  /** {@code [k, 1, n]}, broadcast over the logits: 0 for a block's real keys, {@link Attention#MASKED} for padding. */
  private float[][][] keyMask() {
    float[][][] mask = new float[k][1][n];
    for (int b = 0; b < k; b++) {
      Arrays.fill(mask[b][0], blocks.get(b).outputTokens(), n, Attention.MASKED);
    }
    return mask;
  }
}
