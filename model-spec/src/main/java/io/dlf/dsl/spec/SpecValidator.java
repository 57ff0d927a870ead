package io.dlf.dsl.spec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules of a model spec. Every violation is collected, each with its block path; every size is
 * bounded by {@link SpecLimits}. Values quoted back in a message are cut short ({@link Quoted}).
 */
final class SpecValidator {
  private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern FEATURE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  private final List<Violation> violations = new ArrayList<>();

  private SpecValidator() {}

  static void validate(
      int formatVersion,
      String name,
      List<Feature> features,
      Embedding embedding,
      Backbone backbone,
      Head head,
      Regularization regularization,
      float dropout) {
    SpecValidator v = new SpecValidator();
    if (formatVersion < 1 || formatVersion > ModelSpec.FORMAT_VERSION) {
      v.fail("format_version", formatVersion + " is not a known format (this reader knows 1.."
          + ModelSpec.FORMAT_VERSION + ")");
    } else {
      v.check(formatVersion >= backbone.formatVersion(), "format_version", "the " + backbone.pathName()
          + " backbone needs format " + backbone.formatVersion() + " or newer, found " + formatVersion);
    }
    if (!MODEL_NAME.matcher(name).matches()) {
      v.fail("name", Quoted.of(name) + " must be 1-" + SpecLimits.NAME_LENGTH
          + " letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    Map<String, Feature> declared = v.checkFeatures(features, formatVersion);
    v.checkEmbedding(embedding);
    v.checkRate("dropout", dropout);
    v.checkNonNegative("regularization.embedding_l2", regularization.embeddingL2());
    v.checkNonNegative("regularization.net_l2", regularization.netL2());
    if (head.kind() == HeadKind.MLP) {
      v.check(!head.mlp().hidden().isEmpty(), "head.mlp.hidden",
          "an MLP head needs at least one hidden layer (use a linear head for none)");
    }
    v.checkMlp("head.mlp", head.mlp());
    v.checkInputs(backbone, declared);
    v.checkListSize(backbone.pathName() + ".inputs", backbone.inputs().size(), SpecLimits.FEATURES);
    backbone.accept(new BackboneVisitor<Void>() {
      @Override
      public Void visitDlf(DlfBackbone dlf) {
        v.checkDlf(dlf);
        return null;
      }

      @Override
      public Void visitFm(FmBackbone fm) {
        v.checkPairwise(fm, declared);
        v.checkBiasOnlyHead(fm, head);
        return null;
      }

      @Override
      public Void visitDeepFm(DeepFmBackbone deepFm) {
        v.checkPairwise(deepFm, declared);
        v.check(!deepFm.dnn().hidden().isEmpty(), "deepfm.dnn.hidden", "the DNN needs at least one hidden layer");
        v.checkMlp("deepfm.dnn", deepFm.dnn());
        return null;
      }

      @Override
      public Void visitDcnV2(DcnV2Backbone dcn) {
        v.checkSize("dcnv2.cross_layers", dcn.crossLayers(), SpecLimits.LAYERS);
        v.checkMlp("dcnv2.dnn", dcn.dnn());
        return null;
      }

      @Override
      public Void visitFinalMlp(FinalMlpBackbone finalMlp) {
        List<String> fields = finalMlp.inputs().isEmpty()
            ? features.stream().map(Feature::name).toList() : finalMlp.inputs();
        v.checkFinalMlp(finalMlp, fields, declared, dropout);
        v.checkBiasOnlyHead(finalMlp, head);
        return null;
      }

      @Override
      public Void visitMgdin(MgdinBackbone mgdin) {
        v.checkMgdin(mgdin, mgdin.inputs().isEmpty() ? declared.size() : mgdin.inputs().size());
        return null;
      }

      @Override
      public Void visitInterFormer(InterFormerBackbone interFormer) {
        List<String> inputs = interFormer.inputs().isEmpty()
            ? features.stream().map(Feature::name).toList() : interFormer.inputs();
        v.checkInterFormer(interFormer, inputs, declared, embedding.dim());
        return null;
      }
    });
    if (!v.violations.isEmpty()) {
      throw new SpecException(name, v.violations);
    }
  }

  private Map<String, Feature> checkFeatures(List<Feature> features, int formatVersion) {
    check(!features.isEmpty(), "features", "at least one feature must be declared");
    checkListSize("features", features.size(), SpecLimits.FEATURES);
    Map<String, Feature> declared = new HashMap<>();
    Map<String, Integer> firstIndex = new HashMap<>();
    for (int i = 0; i < features.size(); i++) {
      Feature f = features.get(i);
      String path = "features[" + i + "]";
      if (!FEATURE_NAME.matcher(f.name()).matches()) {
        fail(path + ".name", Quoted.of(f.name()) + " must match " + FEATURE_NAME.pattern());
      }
      Integer previous = firstIndex.putIfAbsent(f.name(), i);
      if (previous != null) {
        fail(path + ".name", "duplicate feature name " + Quoted.of(f.name()) + " (also features[" + previous + "])");
      }
      declared.putIfAbsent(f.name(), f);
      if (f.hasVocabulary()) {
        checkSize(path + ".min_count", f.minCount(), SpecLimits.MIN_COUNT);
      }
      if (f.kind() == FeatureKind.SEQUENCE) {
        checkSize(path + ".max_length", f.maxLength(), SpecLimits.MAX_LENGTH);
        check(!f.separator().isEmpty(), path + ".separator", "a sequence needs a non-empty token separator");
      }
      check(f.separator().length() <= SpecLimits.SEPARATOR_LENGTH, path + ".separator", "a separator of "
          + f.separator().length() + " characters must be at most " + SpecLimits.SEPARATOR_LENGTH);
      if (f.kind() == FeatureKind.NUMERIC) {
        check(Float.isFinite(f.fillValue()), path + ".fill_value", f.fillValue() + " must be finite");
        check(f.vocabularyFrom().isEmpty(), path + ".vocabulary_from",
            "numeric feature " + Quoted.of(f.name()) + " has no vocabulary to share");
      } else {
        check(!f.transform().bucketizes(), path + ".transform", "transform " + f.transform()
            + " makes categories of numbers and applies to numeric features only, not to " + f.kind());
      }
      checkHashing(path, f);
      check(formatVersion >= f.formatVersion(), "format_version", "feature " + Quoted.of(f.name())
          + " hashes its values or makes categories of numbers, which needs format " + f.formatVersion()
          + " or newer, found " + formatVersion);
    }
    checkHashedRows(features);
    for (int i = 0; i < features.size(); i++) {
      Feature f = features.get(i);
      if (f.vocabularyFrom().isEmpty() || f.kind() == FeatureKind.NUMERIC) {
        continue;
      }
      String path = "features[" + i + "].vocabulary_from";
      Feature owner = declared.get(f.vocabularyFrom());
      if (owner == null) {
        fail(path, "feature " + Quoted.of(f.vocabularyFrom()) + " is not declared");
      } else if (owner.name().equals(f.name())) {
        fail(path, "feature " + Quoted.of(f.name()) + " cannot share its own vocabulary");
      } else if (owner.kind() == FeatureKind.NUMERIC || !owner.vocabularyFrom().isEmpty()) {
        fail(path, "feature " + Quoted.of(owner.name())
            + " must be a categorical or sequence feature that owns its vocabulary");
      }
    }
    return declared;
  }

  /** Hash buckets: for categorical and sequence features that own their table, which then has no vocabulary. */
  private void checkHashing(String path, Feature f) {
    if (f.hashBuckets() == 0) {
      return;
    }
    String at = path + ".hash_buckets";
    if (f.kind() == FeatureKind.NUMERIC) {
      fail(at, "numeric feature " + Quoted.of(f.name()) + " cannot be hashed; hash_buckets applies to categorical "
          + "and sequence features");
      return;
    }
    checkRange(at, f.hashBuckets(), 2, SpecLimits.HASH_BUCKETS);
    check(f.vocabularyFrom().isEmpty(), at, "feature " + Quoted.of(f.name()) + " shares the table of "
        + Quoted.of(f.vocabularyFrom()) + " and hashes as that feature does; set hash_buckets there only");
    check(f.minCount() == 1, path + ".min_count", f.minCount() + " has no effect on hashed feature "
        + Quoted.of(f.name()) + " (no vocabulary is counted); leave it at 1");
  }

  /** Every hashed table's buckets and padding row, together, must be ids of one int32 table. */
  private void checkHashedRows(List<Feature> features) {
    long rows = features.stream().filter(Feature::isHashed).mapToLong(f -> f.hashBuckets() + 1L).sum();
    check(rows <= SpecLimits.TABLE_ROWS, "features", "the hashed features' tables have " + Quoted.count(rows)
        + " rows together (hash_buckets + 1 each), more than the " + Quoted.count(SpecLimits.TABLE_ROWS)
        + " an int32 id can address");
  }

  private void checkEmbedding(Embedding embedding) {
    checkSize("embedding.dim", embedding.dim(), SpecLimits.EMBEDDING_DIM);
    check(Float.isFinite(embedding.initStddev()) && embedding.initStddev() > 0, "embedding.init_stddev",
        embedding.initStddev() + " must be a positive number");
  }

  private void checkInputs(Backbone backbone, Map<String, Feature> declared) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < backbone.inputs().size(); i++) {
      String input = backbone.inputs().get(i);
      String path = backbone.pathName() + ".inputs[" + i + "]";
      if (!declared.containsKey(input)) {
        fail(path, "feature " + Quoted.of(input) + " is used but not declared in features (declared: "
            + Quoted.list(declared.keySet().stream().sorted().toList()) + ")");
      }
      check(seen.add(input), path, "feature " + Quoted.of(input) + " is listed twice");
    }
  }

  /** FM's pairwise term needs at least two fields. */
  private void checkPairwise(Backbone backbone, Map<String, Feature> declared) {
    int fields = backbone.inputs().isEmpty() ? declared.size() : backbone.inputs().size();
    check(fields >= 2, backbone.pathName() + ".inputs", "pairwise interactions need at least 2 fields, found "
        + fields);
  }

  /** A backbone that computes the logit itself leaves the head only the global bias. */
  private void checkBiasOnlyHead(Backbone backbone, Head head) {
    check(head.kind() == HeadKind.LINEAR, "head.kind", "the " + backbone.pathName() + " backbone computes the "
        + "logit itself, so the head is only the global bias and must be LINEAR, not " + head.kind());
  }

  private void checkFinalMlp(FinalMlpBackbone spec, List<String> fields, Map<String, Feature> declared,
      float modelDropout) {
    check(modelDropout == 0, "dropout", "the finalmlp backbone sets dropout per stream ("
        + FinalMlpBackbone.streamPath(0) + ".dropout, " + FinalMlpBackbone.streamPath(1)
        + ".dropout); the model's dropout must be 0, found " + modelDropout);
    for (int i = 0; i < spec.streams().size(); i++) {
      FinalMlpStream stream = spec.streams().get(i);
      String path = FinalMlpBackbone.streamPath(i);
      Set<String> seen = new HashSet<>();
      for (int j = 0; j < stream.fsContext().size(); j++) {
        String feature = stream.fsContext().get(j);
        String at = path + ".fs_context[" + j + "]";
        check(fields.contains(feature), at, "feature " + Quoted.of(feature) + " must be one of the backbone's fields ("
            + Quoted.list(fields) + ")");
        check(seen.add(feature), at, "feature " + Quoted.of(feature) + " is listed twice");
        Feature declaration = declared.get(feature);
        if (spec.separateContextEmbeddings() && declaration != null) {
          // a separate table has rows for ids; the embedding of a scaled or pooled field has none
          check(declaration.hasVocabulary() && declaration.kind() != FeatureKind.SEQUENCE, at, "feature "
              + Quoted.of(feature) + " is " + declaration.kind() + "; with finalmlp.separate_context_embeddings "
              + "a context feature must be categorical or bucketized numeric (one id each)");
        }
      }
      check(!stream.mlp().hidden().isEmpty(), path + ".mlp.hidden", "each stream needs at least one hidden layer");
      checkMlp(path + ".mlp", stream.mlp());
      checkRate(path + ".dropout", stream.dropout());
    }
    checkMlp("finalmlp.feature_selection", spec.featureSelection());
    if (!checkSize("finalmlp.heads", spec.heads(), SpecLimits.HEADS)) {
      return;
    }
    List<Integer> widths = spec.streams().stream().map(s -> s.mlp().hidden())
        .map(hidden -> hidden.isEmpty() ? 0 : hidden.get(hidden.size() - 1)).toList();
    if (widths.stream().allMatch(w -> w >= 1)) {
      check(widths.stream().allMatch(w -> w % spec.heads() == 0), "finalmlp.heads", spec.heads()
          + " heads do not divide the stream output widths " + widths.get(0) + " and " + widths.get(1)
          + " (each head fuses an equal slice of both streams)");
    }
  }

  private void checkDlf(DlfBackbone dlf) {
    if (dlf.layers().isEmpty()) {
      fail("dlf.layers", "at least one layer is required");
      return;
    }
    if (!checkListSize("dlf.layers", dlf.layers().size(), SpecLimits.LAYERS)) {
      return;
    }
    List<String> firstBlocks = enabledBlocks(dlf.layers().get(0));
    for (int i = 0; i < dlf.layers().size(); i++) {
      DlfLayer layer = dlf.layers().get(i);
      String path = "dlf.layers[" + i + "]";
      List<String> blocks = enabledBlocks(layer);
      check(!blocks.isEmpty(), path, "at least one of high_rank, low_rank, implicit must be enabled");
      checkFmBlock(path + ".high_rank", layer.highRank());
      checkFmBlock(path + ".low_rank", layer.lowRank());
      if (layer.implicit().enabled()) {
        checkSize(path + ".implicit.tokens", layer.implicit().tokens(), SpecLimits.TOKENS);
      }
      checkFusion(path + "." + layer.fusion().blockName(), layer.fusion(), blocks);
      float eps = layer.residual().layerNormEpsilon();
      check(Float.isFinite(eps) && eps > 0, path + ".residual.layer_norm_epsilon", eps + " must be positive");
      if (dlf.fusionSite() == FusionSite.FINAL_ONLY) {
        check(layer.fusion().kind() == FusionKind.CONCAT, path + ".fusion",
            "with fusion_site FINAL_ONLY the streams are joined only before the head, so the layer fusion must be "
                + "concat, not " + layer.fusion().blockName());
        check(blocks.equals(firstBlocks), path, "with fusion_site FINAL_ONLY every layer must enable the same blocks "
            + "as layers[0] " + firstBlocks + ", found " + blocks);
      }
    }
  }

  private void checkMgdin(MgdinBackbone mgdin, int fields) {
    check(!mgdin.granularities().isEmpty(), "mgdin.granularities", "at least one granularity (one branch) is required");
    checkListSize("mgdin.granularities", mgdin.granularities().size(), SpecLimits.GRANULARITIES);
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < mgdin.granularities().size(); i++) {
      int g = mgdin.granularities().get(i);
      String path = "mgdin.granularities[" + i + "]";
      if (g < 1) {
        fail(path, g + " fields per group must be positive");
      } else {
        check(g <= fields, path, "groups of " + g + " fields need at least " + g + " fields, the backbone reads "
            + fields);
      }
      check(seen.add(g), path, "granularity " + g + " is listed twice (each granularity is one branch)");
    }
    checkSize("mgdin.layers", mgdin.layers(), SpecLimits.LAYERS);
    boolean width = checkSize("mgdin.width", mgdin.width(), SpecLimits.ATTENTION_WIDTH);
    checkSize("mgdin.ffn_multiplier", mgdin.ffnMultiplier(), SpecLimits.FFN_MULTIPLIER);
    if (checkSize("mgdin.heads", mgdin.heads(), SpecLimits.HEADS) && width) {
      check(mgdin.width() % mgdin.heads() == 0, "mgdin.heads", mgdin.heads() + " heads do not divide width "
          + mgdin.width() + " (heads must divide the branch width)");
    }
  }

  private void checkInterFormer(InterFormerBackbone spec, List<String> inputs, Map<String, Feature> declared,
      int dim) {
    if (spec.hasSequence()) {
      Feature sequence = declared.get(spec.sequence());
      if (sequence == null || !inputs.contains(spec.sequence())) {
        fail("interformer.sequence", Quoted.of(spec.sequence()) + " must be one of the backbone's inputs ("
            + Quoted.list(inputs) + ")");
      } else if (sequence.kind() != FeatureKind.SEQUENCE) {
        fail("interformer.sequence", Quoted.of(spec.sequence()) + " is " + sequence.kind()
            + "; the sequence arch reads a SEQUENCE feature's tokens");
      } else {
        check(spec.recentTokens() <= sequence.maxLength(), "interformer.recent_tokens", spec.recentTokens()
            + " recent tokens exceed the sequence's max_length " + sequence.maxLength());
      }
    }
    long nonSequence = inputs.stream().filter(name -> !name.equals(spec.sequence())).count();
    check(nonSequence >= 1, "interformer.inputs", "at least one non-sequence feature is required besides the sequence");
    checkSize("interformer.layers", spec.layers(), SpecLimits.LAYERS);
    checkSize("interformer.summary_tokens", spec.summaryTokens(), SpecLimits.TOKENS);
    checkRange("interformer.pma_tokens", spec.pmaTokens(), 0, SpecLimits.TOKENS);
    checkRange("interformer.recent_tokens", spec.recentTokens(), 0, SpecLimits.MAX_LENGTH);
    checkSize("interformer.ffn_multiplier", spec.ffnMultiplier(), SpecLimits.FFN_MULTIPLIER);
    if (checkSize("interformer.heads", spec.heads(), SpecLimits.HEADS)) {
      check(dim % spec.heads() == 0, "interformer.heads", spec.heads() + " heads do not divide the embedding dim "
          + dim + " (every attention runs at the embedding width)");
    }
  }

  private static List<String> enabledBlocks(DlfLayer layer) {
    List<String> blocks = new ArrayList<>();
    if (layer.highRank().enabled()) {
      blocks.add("high_rank");
    }
    if (layer.lowRank().enabled()) {
      blocks.add("low_rank");
    }
    if (layer.implicit().enabled()) {
      blocks.add("implicit");
    }
    return blocks;
  }

  private void checkFmBlock(String path, FmBlock block) {
    if (!block.enabled()) {
      return;
    }
    checkSize(path + ".tokens", block.tokens(), SpecLimits.TOKENS);
    checkSize(path + ".rank", block.rank(), SpecLimits.RANK);
    checkMlp(path + ".mlp", block.mlp());
  }

  private void checkFusion(String path, Fusion fusion, List<String> blocks) {
    switch (fusion.kind()) {
      case NAF -> {
        boolean heads = checkSize(path + ".heads", fusion.heads(), SpecLimits.HEADS);
        boolean width = checkSize(path + ".attention_dim", fusion.attentionDim(), SpecLimits.ATTENTION_WIDTH);
        if (heads && width) {
          check(fusion.attentionDim() % fusion.heads() == 0, path + ".heads",
              fusion.heads() + " heads do not divide attention_dim " + fusion.attentionDim()
                  + " (heads must divide the attention width)");
        }
        checkSize(path + ".sublayers", fusion.sublayers(), SpecLimits.SUBLAYERS);
        check(blocks.size() != 1, path, "naf cross-attends between blocks and needs at least 2 enabled blocks, found "
            + blocks);
      }
      case MLP -> {
        check(!fusion.mlp().hidden().isEmpty(), path + ".mlp.hidden", "MLP fusion needs at least one hidden layer");
        checkMlp(path + ".mlp", fusion.mlp());
      }
      case CONCAT, GATE_POOL, ATTN_POOL -> { }
    }
  }

  private void checkMlp(String path, Mlp mlp) {
    if (!checkListSize(path + ".hidden", mlp.hidden().size(), SpecLimits.MLP_DEPTH)) {
      return;
    }
    for (int i = 0; i < mlp.hidden().size(); i++) {
      checkSize(path + ".hidden[" + i + "]", mlp.hidden().get(i), SpecLimits.MLP_WIDTH);
    }
  }

  /** A count or width: 1 to {@code max}. Returns whether it is. */
  private boolean checkSize(String path, int value, int max) {
    return checkRange(path, value, 1, max);
  }

  private boolean checkRange(String path, int value, int min, int max) {
    if (value < min) {
      fail(path, value + (min == 0 ? " must not be negative" : " must be at least " + min));
      return false;
    }
    if (value > max) {
      fail(path, value + " must be at most " + Quoted.count(max));
      return false;
    }
    return true;
  }

  private boolean checkListSize(String path, int size, int max) {
    check(size <= max, path, size + " entries must be at most " + Quoted.count(max));
    return size <= max;
  }

  private void checkRate(String path, float value) {
    check(value >= 0 && value < 1, path, value + " must be in [0, 1)");
  }

  private void checkNonNegative(String path, float value) {
    check(Float.isFinite(value) && value >= 0, path, value + " must be a non-negative number");
  }

  private void check(boolean ok, String path, String message) {
    if (!ok) {
      fail(path, message);
    }
  }

  private void fail(String path, String message) {
    violations.add(new Violation(path, message));
  }
}
