package io.dlf.dsl;

import io.dlf.dsl.spec.Activation;
import io.dlf.dsl.spec.DcnV2Backbone;
import io.dlf.dsl.spec.DeepFmBackbone;
import io.dlf.dsl.spec.DlfBackbone;
import io.dlf.dsl.spec.DlfLayer;
import io.dlf.dsl.spec.FinalMlpBackbone;
import io.dlf.dsl.spec.FmBackbone;
import io.dlf.dsl.spec.FusionKind;
import io.dlf.dsl.spec.Head;
import io.dlf.dsl.spec.InterFormerBackbone;
import io.dlf.dsl.spec.MgdinBackbone;
import io.dlf.dsl.spec.Mlp;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.spec.ModelSpecBuilder;
import io.dlf.dsl.spec.Regularization;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Named starting points. Each returns a builder without features: declare them, adjust, build.
 *
 * <ul>
 *   <li>{@code dlf-paper}: the paper's DLF ({@link DlfLayer#paper()}) with a linear head (eq. 16).
 *   <li>{@code dlf-reference}: what the released code runs (dlf-model-reference §4.2,
 *       {@link DlfLayer#reference()}) with a 512-unit MLP head with batch norm.
 *   <li>{@code dlf-paper-no-gate}, {@code -no-rli}, {@code -no-naf}, {@code -no-rli-no-naf}: the
 *       paper preset with one {@link Ablation}.
 *   <li>{@code dlf-paper-fusion-concat}, {@code -mlp}, {@code -gate-pool}, {@code -attn-pool}: the
 *       paper preset with another fusion method in place of NAF at every layer (the fusion study).
 *   <li>{@code fm}, {@code deepfm}, {@code dcnv2}: the classic baselines with BARS's winning Frappe
 *       settings (dlf-model-reference §12.2, BARS tuner configs): D = 10, their DNN, dropout and
 *       embedding L2. {@link Size} describes a DLF model, so these presets ignore it.
 *   <li>{@code finalmlp}: FinalMLP with BARS's winning Frappe settings: D = 10, streams [400] and [100]
 *       with dropout 0.4, gates from Frappe's {@code user} and {@code item} through embeddings of their
 *       own (as FuxiCTR builds it), 5 fusion heads, embedding L2 0.05. On another dataset name its
 *       context features (or none) with
 *       {@code finalMlp(...)}. It ignores {@link Size} too.
 *   <li>{@code wukong}: DLF's ancestor (dlf-model-reference §1), the reference preset without the
 *       low-rank block: FM block and implicit (linear compression) block, concatenated, then the
 *       token-projection residual and LayerNorm; sized by {@link Size} like the DLF presets.
 *   <li>{@code mgdin}: MGDIN ("Deferred is Better", dlf-model-reference §13.3) with the public
 *       re-implementation's defaults ({@link MgdinBackbone#hint()}); it ignores {@link Size} too.
 *   <li>{@code interformer}: InterFormer (dlf-model-reference §14) in its compact form
 *       ({@link InterFormerBackbone#paper()}) without a sequence; name one with
 *       {@code interFormer(i -> i.sequence("history"))}. It ignores {@link Size} too.
 * </ul>
 *
 * <p>Both DLF presets use the released code's effective sizes: D = 64, three layers, 32 tokens per
 * block, rank 24, block MLPs (and MLP fusion) with one 512-unit hidden layer; NAF uses 2 heads,
 * d_a = D and 2 attention sub-layers.
 */
public final class Presets {
  public static final String DLF_PAPER = "dlf-paper";
  public static final String DLF_REFERENCE = "dlf-reference";
  public static final String FM = "fm";
  public static final String DEEPFM = "deepfm";
  public static final String DCNV2 = "dcnv2";
  public static final String FINALMLP = "finalmlp";
  public static final String WUKONG = "wukong";
  public static final String MGDIN = "mgdin";
  public static final String INTERFORMER = "interformer";

  /** BARS's embedding dim for every model on Frappe and MovieLens. */
  private static final int BARS_DIM = 10;

  private Presets() {}

  /**
   * The sizes of a DLF preset: embedding dim D (also NAF's attention width), layers, tokens per
   * block, FM rank and the hidden width of block MLPs (and of the reference preset's head).
   */
  public record Size(int dim, int layers, int tokens, int rank, int hidden) {

    /** The released code's effective sizes (about 14.5M non-embedding parameters on Frappe). */
    public static Size reference() {
      return new Size(64, 3, DlfLayer.TOKENS, DlfLayer.RANK, DlfLayer.HIDDEN);
    }

    DlfLayer resize(DlfLayer layer) {
      return layer
          .lowRank(layer.lowRank().tokens(tokens).rank(rank).mlp(layer.lowRank().mlp().hidden(hidden)))
          .highRank(layer.highRank().tokens(tokens).rank(rank).mlp(layer.highRank().mlp().hidden(hidden)))
          .implicit(layer.implicit().tokens(tokens))
          .fusion(layer.fusion().attentionDim(dim).mlp(layer.fusion().mlp().hidden(hidden)));
    }
  }

  public static ModelSpecBuilder dlfPaper() {
    return dlfPaper(Size.reference());
  }

  public static ModelSpecBuilder dlfPaper(Size size) {
    return ModelSpec.builder(DLF_PAPER)
        .embeddingDim(size.dim())
        .backbone(DlfBackbone.of(size.layers(), size.resize(DlfLayer.paper())))
        .head(Head.linear());
  }

  public static ModelSpecBuilder dlfReference() {
    return dlfReference(Size.reference());
  }

  public static ModelSpecBuilder dlfReference(Size size) {
    return ModelSpec.builder(DLF_REFERENCE)
        .embeddingDim(size.dim())
        .backbone(DlfBackbone.of(size.layers(), size.resize(DlfLayer.reference())))
        .head(Head.mlp(Mlp.of(size.hidden())));
  }

  /** FM (BARS Frappe winner: embedding L2 5e-6). */
  public static ModelSpecBuilder fm() {
    return ModelSpec.builder(FM)
        .embeddingDim(BARS_DIM)
        .backbone(FmBackbone.of())
        .head(Head.linear())
        .regularization(Regularization.none().embeddingL2(5e-6f));
  }

  /** DeepFM (BARS Frappe winner: DNN [400, 400, 400] with batch norm, dropout 0.2, embedding L2 0.05). */
  public static ModelSpecBuilder deepFm() {
    return ModelSpec.builder(DEEPFM)
        .embeddingDim(BARS_DIM)
        .backbone(DeepFmBackbone.bars())
        .head(Head.linear())
        .dropout(0.2f)
        .regularization(Regularization.none().embeddingL2(0.05f));
  }

  /**
   * DCNv2 (BARS Frappe winner: parallel, 4 cross layers, DNN [400, 400, 400] with batch norm,
   * dropout 0.4, embedding L2 0.05, no low-rank mixture).
   */
  public static ModelSpecBuilder dcnV2() {
    return ModelSpec.builder(DCNV2)
        .embeddingDim(BARS_DIM)
        .backbone(DcnV2Backbone.bars())
        .head(Head.linear())
        .dropout(0.4f)
        .regularization(Regularization.none().embeddingL2(0.05f));
  }

  /**
   * FinalMLP (BARS Frappe winner: mlp1 [400], mlp2 [100], both with batch norm and dropout 0.4, fs_hidden
   * [400], fs1_context [user], fs2_context [item], 5 heads, embedding L2 0.05). FuxiCTR's gates look their
   * contexts up in embedding tables of their own, regularized like the others.
   */
  public static ModelSpecBuilder finalMlp() {
    FinalMlpBackbone bars = FinalMlpBackbone.bars();
    return ModelSpec.builder(FINALMLP)
        .embeddingDim(BARS_DIM)
        .backbone(bars.stream1(bars.stream1().fsContext(List.of("user")))
            .stream2(bars.stream2().fsContext(List.of("item")))
            .separateContextEmbeddings(true))
        .head(Head.linear())
        .regularization(Regularization.none().embeddingL2(0.05f));
  }

  /** Wukong: {@link #dlfReference(Size)} with every layer's low-rank block disabled. */
  public static ModelSpecBuilder wukong(Size size) {
    return dlfReference(size).name(WUKONG).dlf(d -> d.eachLayer(l -> l.lowRank(l.lowRank().enabled(false))));
  }

  /**
   * MGDIN: granularities 1, 2 and 5, three post-norm layers of width 64 with one head and a 4x GELU
   * FFN, information ordering and group-level deferral, then an MLP head (256, 128) with ReLU and
   * without batch norm, dropout 0 ([HINT]). The re-implementation does not fix D; 16 is our choice.
   */
  public static ModelSpecBuilder mgdin() {
    return ModelSpec.builder(MGDIN)
        .embeddingDim(16)
        .backbone(MgdinBackbone.hint())
        .head(Head.mlp(Mlp.of(256, 128).batchNorm(false)));
  }

  /**
   * InterFormer: the paper's summary sizes in two layers with two heads, D = 16, then an MLP head
   * (256, 128) with SiLU, the paper's activation, and without batch norm.
   */
  public static ModelSpecBuilder interFormer() {
    return ModelSpec.builder(INTERFORMER)
        .embeddingDim(16)
        .backbone(InterFormerBackbone.paper())
        .head(Head.mlp(Mlp.of(256, 128).batchNorm(false).activation(Activation.SILU)));
  }

  /** Every preset name {@link #named} accepts. */
  public static List<String> names() {
    Set<String> names = new LinkedHashSet<>(List.of(DLF_PAPER, DLF_REFERENCE));
    names.addAll(ablationStudy());
    names.addAll(fusionStudy());
    names.addAll(baselines());
    names.add(MGDIN);
    names.add(INTERFORMER);
    return List.copyOf(names);
  }

  /** The baselines: BARS's classics from weakest, then Wukong. */
  public static List<String> baselines() {
    return List.of(FM, DEEPFM, DCNV2, FINALMLP, WUKONG);
  }

  /**
   * The presets that carry their own tuned embedding size, dropout and regularization (BARS's
   * winning settings): callers comparing models should keep them rather than impose their own.
   */
  public static List<String> tuned() {
    return List.of(FM, DEEPFM, DCNV2, FINALMLP);
  }

  /** The paper's ablation table: {@code dlf-paper}, then one preset per {@link Ablation}. */
  public static List<String> ablationStudy() {
    List<String> names = new ArrayList<>(List.of(DLF_PAPER));
    for (Ablation ablation : Ablation.values()) {
      names.add(DLF_PAPER + "-" + ablation.suffix());
    }
    return names;
  }

  /** The paper's fusion study: one preset per fusion method, {@code dlf-paper} (NAF) last. */
  public static List<String> fusionStudy() {
    List<String> names = new ArrayList<>();
    for (FusionKind kind : FusionKind.values()) {
      if (kind != FusionKind.NAF) {
        names.add(fusionPreset(kind));
      }
    }
    names.add(DLF_PAPER);
    return names;
  }

  private static String fusionPreset(FusionKind kind) {
    return DLF_PAPER + "-fusion-" + kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The preset of that name, e.g. {@code dlf-paper-no-rli}, at the reference sizes. */
  public static ModelSpecBuilder named(String name) {
    return named(name, Size.reference());
  }

  /** The preset of that name at the given sizes. */
  public static ModelSpecBuilder named(String name, Size size) {
    String key = name.toLowerCase(Locale.ROOT);
    if (key.equals(DLF_REFERENCE)) {
      return dlfReference(size);
    }
    if (key.equals(DLF_PAPER)) {
      return dlfPaper(size);
    }
    if (key.equals(FM)) {
      return fm();
    }
    if (key.equals(DEEPFM)) {
      return deepFm();
    }
    if (key.equals(DCNV2)) {
      return dcnV2();
    }
    if (key.equals(FINALMLP)) {
      return finalMlp();
    }
    if (key.equals(WUKONG)) {
      return wukong(size);
    }
    if (key.equals(MGDIN)) {
      return mgdin();
    }
    if (key.equals(INTERFORMER)) {
      return interFormer();
    }
    for (Ablation ablation : Ablation.values()) {
      if (key.equals(DLF_PAPER + "-" + ablation.suffix())) {
        return dlfPaper(size).name(key).dlf(ablation::apply);
      }
    }
    for (FusionKind kind : FusionKind.values()) {
      if (key.equals(fusionPreset(kind))) {
        return dlfPaper(size).name(key).dlf(dlf -> dlf.eachLayer(l -> l.fusion(l.fusion().kind(kind))));
      }
    }
    throw new IllegalArgumentException("unknown preset '" + name + "'; known presets: " + String.join(", ", names()));
  }
}
