package io.dlf.dsl.plan;

import java.util.List;

/**
 * One token stream through a DLF layer: its blocks, their fusion and the residual. With fusion at
 * every layer there is one stream; with fusion only before the head, one per block kind.
 *
 * @param name "main", or the block kind the stream carries
 * @param blockTokens the sum of the blocks' output tokens, N
 * @param fusedTokens tokens after fusion; also the layer's output tokens for this stream
 * @param projectResidual the residual needs a token projection because counts differ
 */
public record StreamPlan(
    String name,
    int inputTokens,
    List<BlockPlan> blocks,
    int blockTokens,
    int fusedTokens,
    boolean projectResidual) {

  public static final String MAIN = "main";

  public StreamPlan {
    blocks = List.copyOf(blocks);
  }
}
