package io.dlf.bench;

import io.dlf.dsl.Presets;
import java.util.List;
import java.util.Map;

/**
 * A comparison the paper makes, as the presets it trains, how each row is labelled, and what the
 * paper reports for it.
 */
enum Study {
  ABLATION("ablation-frappe", "DLF ablations on Frappe", Presets.ablationStudy(),
      Map.of("dlf-paper", "DLF", "dlf-paper-no-gate", "w/o gate", "dlf-paper-no-rli", "w/o RLI",
          "dlf-paper-no-naf", "w/o NAF", "dlf-paper-no-rli-no-naf", "w/o RLI+NAF"),
      Map.of("dlf-paper", "0.8106 / 0.7601", "dlf-paper-no-gate", "0.8095 / 0.7591",
          "dlf-paper-no-rli", "0.8091 / 0.7590", "dlf-paper-no-naf", "0.8083 / 0.7575",
          "dlf-paper-no-rli-no-naf", "0.8084 / 0.7563"),
      "paper AUC, Criteo / Avazu (Table 3)",
      "w/o RLI also drops the gate; w/o NAF fuses the three block streams once, before the head "
          + "(the paper's wording; per-layer concatenation is the fusion study's concat row)."),
  FUSION("fusion-frappe", "DLF fusion methods on Frappe", Presets.fusionStudy(),
      Map.of("dlf-paper-fusion-concat", "concat", "dlf-paper-fusion-mlp", "MLP fusion",
          "dlf-paper-fusion-gate-pool", "gate pooling", "dlf-paper-fusion-attn-pool", "attention pooling",
          "dlf-paper", "NAF (DLF)"),
      Map.of("dlf-paper-fusion-concat", "5th (worst)", "dlf-paper-fusion-mlp", "2nd",
          "dlf-paper-fusion-gate-pool", "4th", "dlf-paper-fusion-attn-pool", "3rd", "dlf-paper", "1st"),
      "paper's rank (Figure 3; its values are not given)",
      "Every row is dlf-paper with the named fusion at every layer; gate and residual as in DLF."),
  COMPARISON("comparison-frappe", "DLF against the baselines on Frappe",
      List.of(Presets.FM, Presets.DEEPFM, Presets.DCNV2, Presets.FINALMLP, Presets.WUKONG, Presets.MGDIN,
          Presets.INTERFORMER, Presets.DLF_REFERENCE, Presets.DLF_PAPER),
      Map.of("fm", "FM", "deepfm", "DeepFM", "dcnv2", "DCNv2", "finalmlp", "FinalMLP", "wukong", "Wukong",
          "mgdin", "MGDIN", "interformer", "InterFormer (with history)", "dlf-reference", "DLF (released code's form)",
          "dlf-paper", "DLF"),
      Map.of("fm", "0.9609 / 0.2297 · 0.9671 / 0.2065", "deepfm", "0.9688 / 0.2139 · 0.9842 / 0.1482",
          "dcnv2", "0.9717 / 0.2137 · 0.9845 / 0.1491", "finalmlp", "– · 0.9861 / 0.1484",
          "wukong", "0.9794 / 0.1867 · –", "mgdin", "– · –",
          "interformer", "– · –", "dlf-reference", "– · –", "dlf-paper", "0.9812 / 0.1679 · –"),
      "AUC / logloss: DLF paper Table 2 (D = 64) · BARS Frappe_x1 leaderboard",
      "FM, DeepFM, DCNv2 and FinalMLP keep BARS's tuned Frappe settings (D = 10, their DNN, dropout and "
          + "embedding L2; FinalMLP's dropout of 0.4 is per stream, so its column shows the model-level 0; FM may "
          + "train up to 200 epochs, as it still improves after 50). FinalMLP is built as FuxiCTR builds it (issue "
          + "21): its gates look user and item up in embedding tables of their own, and its bilinear fusion weights "
          + "start at FuxiCTR's scale (std 0.016, about 9 times smaller than before); its earlier runs, which shared "
          + "the field embeddings and started those weights larger, reached 0.9842 ± 0.0002 / 0.1758 ± 0.0046; with "
          + "BARS's seed 2021 it now reaches 0.9861 / 0.1491, BARS's run 0.9861 / 0.1484. "
          + Notes.COMPARISON_MODELS),
  COMPARISON_D64("comparison-frappe-d64", "DLF at the paper's size (D = 64) against the baselines on Frappe",
      COMPARISON.presets, COMPARISON.labels, COMPARISON.paper, COMPARISON.paperColumn,
      "Both DLF forms train at the paper's size (the configuration above: D = 64, 32 tokens per block, rank 24, "
          + "MLPs of 512); every other row is the D = 16 comparison's run of the same model, as its size does not "
          + "depend on the configuration's. Both DLF forms select their checkpoint on validation AUC - logloss, the "
          + "monitor of the DLF authors' code (dlf-model-reference.md 7.1), and every other row on validation AUC, as "
          + "BARS does. Under AUC alone the paper's form picked late epochs whose logloss had overfit after the first "
          + "learning-rate cut: seed 2019 chose epoch 11 (validation logloss 0.154, against 0.117 at epoch 7) and "
          + "reached test 0.9865 / 0.1660, and the released code's form three seeds of 0.9869 ± 0.0004 / "
          + "0.1354 ± 0.0050; those runs stay in frappe-dlf.json. "
          + "The paper's form at this size evaluates in batches of 4,096 "
          + "(`--eval-batch 4096`: a run at the default 50,000 rows was killed at the machine's 24 GB as its first epoch "
          + "ended, the run at 4,096 evaluated within its training step's memory); its step "
          + "peaks near 10.7 GB at batch 4,096 and runs about 406 samples/s on a quiet machine "
          + "(training-2026-12-07.md), 8 to 9 minutes per epoch there and up to 20 beside other work, so its row "
          + "fills as its seeds finish. " + Notes.COMPARISON_MODELS,
      List.of(Presets.DLF_REFERENCE, Presets.DLF_PAPER));

  final String file;
  final String title;
  final List<String> presets;
  final Map<String, String> labels;
  final Map<String, String> paper;
  final String paperColumn;
  final String note;
  /** The presets whose model follows the command's size; empty: every preset's does. */
  final List<String> sized;

  Study(String file, String title, List<String> presets, Map<String, String> labels, Map<String, String> paper,
      String paperColumn, String note) {
    this(file, title, presets, labels, paper, paperColumn, note, List.of());
  }

  Study(String file, String title, List<String> presets, Map<String, String> labels, Map<String, String> paper,
      String paperColumn, String note, List<String> sized) {
    this.file = file;
    this.title = title;
    this.presets = presets;
    this.labels = labels;
    this.paper = paper;
    this.paperColumn = paperColumn;
    this.note = note;
    this.sized = sized;
  }

  /** The presets a run of this study trains: those whose rows come from the command's configuration. */
  List<String> trained() {
    return sized.isEmpty() ? presets : sized;
  }

  /** Whether {@code preset}'s row comes from the command's configuration rather than the protocol's. */
  boolean fromCommand(String preset) {
    return sized.isEmpty() || sized.contains(preset);
  }

  /** Text two studies share, in a class of its own: an enum's constants cannot read the enum's own static fields. */
  private static final class Notes {
    static final String COMPARISON_MODELS = "Wukong, MGDIN and InterFormer (their own D = 16 and sizes, the "
        + "configuration's dropout and L2) and both DLF forms use the configuration above. InterFormer alone trains "
        + "on frappe-history: the same splits and fields plus each user's positive items from the training split "
        + "as a behaviour sequence.";
  }
}
