package io.dlf.dsl.plan;

import io.dlf.dsl.spec.Mlp;
import java.util.ArrayList;
import java.util.List;

/**
 * What one block of a plan keeps per sample during a training step, and the spec's sizes its cost
 * scales with.
 *
 * @param floatsPerSample the forward tensors the block creates for one sample (outputs and the
 *     intermediates the backward pass reads: projections, normalisations, MLP layers, attention
 *     logits and weights)
 */
record BlockFootprint(long floatsPerSample, List<SizeField> sizes) {

  BlockFootprint {
    sizes = List.copyOf(sizes);
  }

  static BlockFootprint of(long floatsPerSample, SizeField... sizes) {
    return new BlockFootprint(floatsPerSample, List.of(sizes));
  }

  /** The same footprint with an MLP's widths added to its sizes. */
  BlockFootprint withMlp(String path, Mlp mlp) {
    List<SizeField> all = new ArrayList<>(sizes);
    for (int i = 0; i < mlp.hidden().size(); i++) {
      all.add(new SizeField(path + ".hidden[" + i + "]", mlp.hidden().get(i)));
    }
    return new BlockFootprint(floatsPerSample, all);
  }

  /**
   * Per sample, the hidden layers of {@code mlp} (the dense output, batch norm's normalised and
   * scaled copies, the activation) and a dense output of {@code out}.
   */
  static long mlpFloats(Mlp mlp, long out) {
    long perUnit = mlp.batchNorm() ? 4 : 2;
    long total = out;
    for (int width : mlp.hidden()) {
      total = Math.addExact(total, perUnit * width);
    }
    return total;
  }

  /**
   * Per sample, self-attention of {@code tokens} tokens of {@code width} with {@code heads} heads
   * and an FFN of {@code ffn}: queries, keys and values and their head-major copies, the logits,
   * softmax and mask per head, the attended values, two LayerNorms and the FFN's two layers.
   */
  static long attentionFloats(long tokens, long width, long heads, long ffn) {
    return Exact.sum(Exact.product(12, tokens, width), Exact.product(3, heads, tokens, tokens),
        Exact.product(2, tokens, ffn));
  }
}
