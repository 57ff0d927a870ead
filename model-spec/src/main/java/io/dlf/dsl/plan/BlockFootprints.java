package io.dlf.dsl.plan;

import static io.dlf.dsl.plan.BlockFootprint.attentionFloats;
import static io.dlf.dsl.plan.BlockFootprint.mlpFloats;
import static io.dlf.dsl.plan.Exact.product;
import static io.dlf.dsl.plan.Exact.sum;

import io.dlf.dsl.spec.DlfLayer;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.FeatureKind;
import io.dlf.dsl.spec.FinalMlpBackbone;
import io.dlf.dsl.spec.Fusion;
import io.dlf.dsl.spec.FusionSite;
import io.dlf.dsl.spec.HeadKind;
import io.dlf.dsl.spec.InteractionArch;
import io.dlf.dsl.spec.ModelSpec;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-sample footprint of every row of a plan's summary, keyed by the row's path. Counts
 * follow what the compiler builds (model-tf's networks), rounded up where it makes copies
 * (transposes, reshapes that copy, concatenations); the calibration in bench/results checks them
 * against measured training steps.
 */
final class BlockFootprints implements BackbonePlanVisitor<Void> {
  private static final String DIM = "embedding.dim";

  private final ModelPlan plan;
  private final SizeField dim;
  private final Map<String, BlockFootprint> rows = new LinkedHashMap<>();

  private BlockFootprints(ModelPlan plan) {
    this.plan = plan;
    this.dim = new SizeField(DIM, plan.dim());
  }

  static Map<String, BlockFootprint> of(ModelPlan plan) {
    BlockFootprints footprints = new BlockFootprints(plan);
    footprints.embedding();
    plan.backbone().accept(footprints);
    footprints.head();
    return footprints.rows;
  }

  /** The inputs as fed (ids, values, labels), E(1) and its copies, and each sequence's unpooled tokens. */
  private void embedding() {
    long d = plan.dim();
    long inputs = 1;
    long sequenceTokens = 0;
    SizeField widest = new SizeField("features", plan.fields().size());
    for (Feature f : plan.fields()) {
      inputs += f.kind() == FeatureKind.SEQUENCE ? f.maxLength() : 1;
      if (f.kind() == FeatureKind.SEQUENCE) {
        sequenceTokens += f.maxLength();
        if (f.maxLength() > widest.value()) {
          widest = new SizeField("features[" + plan.spec().features().indexOf(f) + "].max_length", f.maxLength());
        }
      }
    }
    long floats = sum(product(3, inputs), product(3, plan.fields().size(), d), product(2, sequenceTokens, d));
    rows.put("embedding", BlockFootprint.of(floats, dim, widest));
  }

  private void head() {
    ModelSpec spec = plan.spec();
    long width = plan.headInputWidth();
    if (spec.head().kind() == HeadKind.LINEAR) {
      rows.put("head", BlockFootprint.of(width + 1, dim));
    } else {
      rows.put("head", BlockFootprint.of(sum(width, mlpFloats(spec.head().mlp(), 1)))
          .withMlp("head.mlp", spec.head().mlp()));
    }
  }

  @Override
  public Void visitDlf(DlfPlan dlf) {
    long d = dlf.dim();
    for (LayerPlan layer : dlf.layers()) {
      DlfLayer spec = layer.spec();
      for (StreamPlan stream : layer.streams()) {
        for (BlockPlan block : stream.blocks()) {
          String path = DlfPlan.blockPath(layer, block);
          SizeField tokens = new SizeField(path + ".tokens", block.outputTokens());
          long out = product(block.outputTokens(), d);
          rows.put(path, switch (block.role()) {
            case HIGH_RANK, LOW_RANK -> {
              var fm = block.role() == BlockRole.HIGH_RANK ? spec.highRank() : spec.lowRank();
              long interaction = product(block.inputTokens(), fm.rank());
              // x W [D, R], the R x n product (and its alignment), LayerNorm's copies, the MLP, the reshaped output
              long floats = sum(product(d, fm.rank()), product(block.alignRawEmbeddings() ? 2 : 1, interaction),
                  product(3, interaction), mlpFloats(fm.mlp(), out), product(2, out));
              yield BlockFootprint.of(floats, tokens, new SizeField(path + ".rank", fm.rank()), dim)
                  .withMlp(path + ".mlp", fm.mlp());
            }
            case IMPLICIT -> BlockFootprint.of(product(3, out), tokens, dim);
          });
        }
        if (dlf.site() == FusionSite.EVERY_LAYER) {
          String path = layer.path() + "." + spec.fusion().blockName();
          rows.put(path, fusion(path, layer, stream, spec.fusion(), d));
        }
        rows.put(DlfPlan.residualPath(layer, stream), BlockFootprint.of(product(5, stream.fusedTokens(), d), dim));
      }
    }
    return null;
  }

  private BlockFootprint fusion(String path, LayerPlan layer, StreamPlan stream, Fusion fusion, long d) {
    BlockPlan widest = stream.blocks().stream().max(Comparator.comparingInt(BlockPlan::outputTokens))
        .orElseThrow();
    SizeField tokens = new SizeField(DlfPlan.blockPath(layer, widest) + ".tokens", widest.outputTokens());
    long all = product(stream.blockTokens(), d);
    return switch (fusion.kind()) {
      case CONCAT -> BlockFootprint.of(all, tokens, dim);
      case MLP -> BlockFootprint.of(sum(all, mlpFloats(fusion.mlp(), all), all), tokens, dim)
          .withMlp(path + ".mlp", fusion.mlp());
      case GATE_POOL -> BlockFootprint.of(product(4, all), tokens, dim);
      case ATTN_POOL -> BlockFootprint.of(sum(product(3, all), product(2, stream.blockTokens(), stream.blockTokens())),
          tokens, dim);
      case NAF -> {
        long k = stream.blocks().size();
        long stacked = product(k, widest.outputTokens());
        long da = fusion.attentionDim();
        // per sub-layer: q, k, v and their head-major copies; logits, masked logits and softmax over
        // every key block; the attended values and their transpose; the fused output and its dropout
        long sublayer = sum(product(9, stacked, da), product(3, fusion.heads(), stacked, stacked),
            product(2, stacked, k, da), product(2, stacked, d));
        long floats = sum(product(2, stacked, d), product(fusion.sublayers(), sublayer),
            product(2, stream.fusedTokens(), d));
        yield BlockFootprint.of(floats, tokens, new SizeField(path + ".attention_dim", da),
            new SizeField(path + ".heads", fusion.heads()), new SizeField(path + ".sublayers", fusion.sublayers()),
            dim);
      }
    };
  }

  @Override
  public Void visitFm(FmPlan fm) {
    rows.put("fm.pairwise", BlockFootprint.of(product(3, fm.fields(), fm.dim()), dim));
    return null;
  }

  @Override
  public Void visitDeepFm(DeepFmPlan deepFm) {
    rows.put("deepfm.pairwise", BlockFootprint.of(product(3, deepFm.inputWidth()), dim));
    rows.put("deepfm.dnn", BlockFootprint.of(mlpFloats(deepFm.spec().dnn(), 0), dim)
        .withMlp("deepfm.dnn", deepFm.spec().dnn()));
    return null;
  }

  @Override
  public Void visitDcnV2(DcnV2Plan dcn) {
    SizeField layers = new SizeField("dcnv2.cross_layers", dcn.spec().crossLayers());
    // per cross layer: W x_l + b, x0 * (...), + x_l
    rows.put("dcnv2.cross", BlockFootprint.of(product(4, dcn.spec().crossLayers(), dcn.inputWidth()), dim, layers));
    if (dcn.hasDnn()) {
      rows.put("dcnv2.dnn", BlockFootprint.of(mlpFloats(dcn.spec().dnn(), 0), dim)
          .withMlp("dcnv2.dnn", dcn.spec().dnn()));
    }
    return null;
  }

  @Override
  public Void visitFinalMlp(FinalMlpPlan finalMlp) {
    FinalMlpBackbone spec = finalMlp.spec();
    long width = finalMlp.inputWidth();
    for (int i = 0; i < spec.streams().size(); i++) {
      String path = FinalMlpBackbone.streamPath(i);
      // the gate's MLP to the width of x, its sigmoid and the gated x
      rows.put(path + ".feature_selection", BlockFootprint.of(
          sum(finalMlp.contextWidth(i), mlpFloats(spec.featureSelection(), width), product(2, width)), dim)
          .withMlp("finalmlp.feature_selection", spec.featureSelection()));
      rows.put(path + ".mlp", BlockFootprint.of(mlpFloats(spec.streams().get(i).mlp(), 0), dim)
          .withMlp(path + ".mlp", spec.streams().get(i).mlp()));
    }
    rows.put("finalmlp.fusion", BlockFootprint.of(product(2, sum(finalMlp.streamWidth(0), finalMlp.streamWidth(1))),
        new SizeField("finalmlp.heads", spec.heads())));
    return null;
  }

  @Override
  public Void visitMgdin(MgdinPlan mgdin) {
    var spec = mgdin.spec();
    SizeField width = new SizeField("mgdin.width", spec.width());
    SizeField heads = new SizeField("mgdin.heads", spec.heads());
    SizeField ffn = new SizeField("mgdin.ffn_multiplier", spec.ffnMultiplier());
    for (int g : spec.granularities()) {
      long groups = mgdin.groups(g);
      rows.put(MgdinPlan.branchPath(g) + ".projection", BlockFootprint.of(
          sum(product(mgdin.fields(), mgdin.dim()), product(2, groups, spec.width())), width, dim));
      for (int l = 0; l < spec.layers(); l++) {
        rows.put(MgdinPlan.layerPath(g, l), BlockFootprint.of(
            attentionFloats(groups, spec.width(), spec.heads(), mgdin.ffnWidth()), width, heads, ffn));
      }
    }
    rows.put("mgdin.pool", BlockFootprint.of(mgdin.outputWidth(), width));
    return null;
  }

  @Override
  public Void visitInterFormer(InterFormerPlan plan) {
    var spec = plan.spec();
    long d = plan.dim();
    SizeField heads = new SizeField("interformer.heads", spec.heads());
    SizeField summary = new SizeField("interformer.summary_tokens", spec.summaryTokens());
    long interactionTokens = plan.interactionTokens();
    long interaction = spec.interaction() == InteractionArch.SELF_ATTENTION
        ? attentionFloats(interactionTokens, d, spec.heads(), plan.ffnWidth())
        // pairwise products of every token, their flattening and the dense layer's output
        : sum(product(2, interactionTokens, interactionTokens), product(3, plan.tokens(), d));
    long cross = product(4, plan.outputWidth());
    for (int l = 0; l < spec.layers(); l++) {
      String path = InterFormerPlan.layerPath(l);
      rows.put(path + ".interaction", BlockFootprint.of(interaction, dim, heads, summary));
      if (plan.hasSequence()) {
        rows.put(path + ".cross", BlockFootprint.of(cross, dim, summary));
        SizeField length = new SizeField("features[" + sequenceIndex(spec.sequence()) + "].max_length",
            plan.sequenceLength());
        rows.put(path + ".sequence", BlockFootprint.of(
            attentionFloats(plan.sequenceTokens(), d, spec.heads(), d), length, dim, heads));
      }
    }
    rows.put(InterFormerPlan.SUMMARY, BlockFootprint.of(cross, dim, summary));
    return null;
  }

  private int sequenceIndex(String name) {
    return plan.spec().features().indexOf(plan.spec().feature(name));
  }
}
