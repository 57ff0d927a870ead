package io.dlf.dsl.plan;

import io.dlf.dsl.spec.DlfBackbone;
import io.dlf.dsl.spec.DlfLayer;
import io.dlf.dsl.spec.Fusion;
import io.dlf.dsl.spec.FusionKind;
import io.dlf.dsl.spec.FusionSite;
import io.dlf.dsl.spec.ResidualKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Shape inference for DLF: resolves every layer's token counts from a validated spec. */
final class DlfPlanner {
  private DlfPlanner() {}

  static DlfPlan plan(DlfBackbone dlf, int fields, int dim) {
    List<LayerPlan> layers = new ArrayList<>();
    if (dlf.fusionSite() == FusionSite.EVERY_LAYER) {
      int tokens = fields;
      for (int i = 0; i < dlf.layers().size(); i++) {
        DlfLayer layer = dlf.layers().get(i);
        List<BlockRole> roles = Arrays.stream(BlockRole.values()).filter(r -> r.enabledIn(layer)).toList();
        StreamPlan stream = stream(StreamPlan.MAIN, layer, roles, tokens, fields);
        layers.add(new LayerPlan(i, layer, List.of(stream)));
        tokens = stream.fusedTokens();
      }
    } else {
      List<BlockRole> roles =
          Arrays.stream(BlockRole.values()).filter(r -> r.enabledIn(dlf.layers().get(0))).toList();
      int[] tokens = new int[roles.size()];
      Arrays.fill(tokens, fields);
      for (int i = 0; i < dlf.layers().size(); i++) {
        DlfLayer layer = dlf.layers().get(i);
        List<StreamPlan> streams = new ArrayList<>();
        for (int s = 0; s < roles.size(); s++) {
          BlockRole role = roles.get(s);
          StreamPlan stream = stream(role.pathName(), layer, List.of(role), tokens[s], fields);
          streams.add(stream);
          tokens[s] = stream.fusedTokens();
        }
        layers.add(new LayerPlan(i, layer, streams));
      }
    }
    return new DlfPlan(fields, dim, dlf.fusionSite(), layers);
  }

  private static StreamPlan stream(String name, DlfLayer layer, List<BlockRole> roles, int inputTokens, int fields) {
    List<BlockPlan> blocks = roles.stream()
        .map(role -> new BlockPlan(role, inputTokens, role.tokensIn(layer),
            role == BlockRole.LOW_RANK && inputTokens != fields))
        .toList();
    int blockTokens = blocks.stream().mapToInt(BlockPlan::outputTokens).sum();
    int fused = fusedTokens(layer.fusion(), blockTokens);
    boolean project = layer.residual().kind() != ResidualKind.NONE && inputTokens != fused;
    return new StreamPlan(name, inputTokens, blocks, blockTokens, fused, project);
  }

  private static int fusedTokens(Fusion fusion, int blockTokens) {
    return fusion.kind() == FusionKind.NAF && fusion.keepBlockOutputs() ? 2 * blockTokens : blockTokens;
  }
}
