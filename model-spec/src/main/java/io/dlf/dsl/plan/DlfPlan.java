package io.dlf.dsl.plan;

import io.dlf.dsl.spec.DlfLayer;
import io.dlf.dsl.spec.FmBlock;
import io.dlf.dsl.spec.FusionSite;
import java.util.ArrayList;
import java.util.List;

/**
 * DLF with every token count resolved. With fusion at every layer, layer l+1 reads the fused
 * tokens of layer l; with fusion only before the head, each block kind carries its own stream and
 * the head reads all streams' tokens.
 */
public record DlfPlan(int fields, int dim, FusionSite site, List<LayerPlan> layers)
    implements BackbonePlan {

  public DlfPlan {
    layers = List.copyOf(layers);
  }

  public int outputTokens() {
    return layers.get(layers.size() - 1).outputTokens();
  }

  @Override
  public <R> R accept(BackbonePlanVisitor<R> visitor) {
    return visitor.visitDlf(this);
  }

  @Override
  public List<Integer> outputShape() {
    return List.of(outputTokens(), dim);
  }

  @Override
  public List<SummaryRow> rows() {
    List<SummaryRow> rows = new ArrayList<>();
    for (LayerPlan layer : layers) {
      DlfLayer spec = layer.spec();
      for (StreamPlan stream : layer.streams()) {
        for (BlockPlan block : stream.blocks()) {
          rows.add(blockRow(layer, spec, block));
        }
        int[] tokensPerBlock = stream.blocks().stream().mapToInt(BlockPlan::outputTokens).toArray();
        if (site == FusionSite.EVERY_LAYER) {
          rows.add(new SummaryRow(
              layer.path() + "." + spec.fusion().blockName(),
              "fusion " + spec.fusion().blockName(),
              List.of(stream.fusedTokens(), dim),
              ParameterCounts.fusion(spec.fusion(), stream.blocks().size(), stream.blockTokens(),
                  tokensPerBlock, dim)));
        }
        rows.add(new SummaryRow(
            residualPath(layer, stream),
            "residual " + spec.residual().kind().name().toLowerCase(java.util.Locale.ROOT) + " + LN",
            List.of(stream.fusedTokens(), dim),
            ParameterCounts.residual(spec.residual(), stream.inputTokens(), stream.fusedTokens(),
                stream.projectResidual(), dim)));
      }
    }
    return rows;
  }

  /** The path of a stream's residual: {@code dlf.layers[i].residual}, or per stream when streams are separate. */
  public static String residualPath(LayerPlan layer, StreamPlan stream) {
    return stream.name().equals(StreamPlan.MAIN)
        ? layer.path() + ".residual"
        : layer.path() + ".residual_" + stream.name();
  }

  public static String blockPath(LayerPlan layer, BlockPlan block) {
    return layer.path() + "." + block.role().pathName();
  }

  private SummaryRow blockRow(LayerPlan layer, DlfLayer spec, BlockPlan block) {
    List<Integer> shape = List.of(block.outputTokens(), dim);
    String path = blockPath(layer, block);
    return switch (block.role()) {
      case HIGH_RANK -> fmRow(path, "fm block", spec.highRank(), block, shape);
      case LOW_RANK -> fmRow(path, "fm block x E(1)", spec.lowRank(), block, shape);
      case IMPLICIT -> new SummaryRow(path, "implicit block", shape,
          ParameterCounts.implicitBlock(block, spec.implicit().bias(), dim));
    };
  }

  private SummaryRow fmRow(String path, String kind, FmBlock fm, BlockPlan block, List<Integer> shape) {
    return new SummaryRow(path, kind, shape,
        ParameterCounts.fmBlock(block, fm.rank(), fm.mlp(), fields, dim));
  }
}
