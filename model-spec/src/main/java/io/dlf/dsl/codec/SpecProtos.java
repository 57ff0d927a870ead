package io.dlf.dsl.codec;

import com.google.protobuf.ProtocolMessageEnum;
import io.dlf.dsl.spec.Activation;
import io.dlf.dsl.spec.Backbone;
import io.dlf.dsl.spec.BackboneVisitor;
import io.dlf.dsl.spec.CrossStructure;
import io.dlf.dsl.spec.DcnV2Backbone;
import io.dlf.dsl.spec.DeepFmBackbone;
import io.dlf.dsl.spec.DlfBackbone;
import io.dlf.dsl.spec.DlfLayer;
import io.dlf.dsl.spec.Embedding;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.FeatureKind;
import io.dlf.dsl.spec.FieldOrdering;
import io.dlf.dsl.spec.FinalMlpBackbone;
import io.dlf.dsl.spec.FinalMlpStream;
import io.dlf.dsl.spec.FmBackbone;
import io.dlf.dsl.spec.FmBlock;
import io.dlf.dsl.spec.Fusion;
import io.dlf.dsl.spec.FusionKind;
import io.dlf.dsl.spec.FusionSite;
import io.dlf.dsl.spec.Head;
import io.dlf.dsl.spec.HeadKind;
import io.dlf.dsl.spec.ImplicitBlock;
import io.dlf.dsl.spec.InterFormerBackbone;
import io.dlf.dsl.spec.InteractionArch;
import io.dlf.dsl.spec.MaskSchedule;
import io.dlf.dsl.spec.MgdinBackbone;
import io.dlf.dsl.spec.Mlp;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.spec.NumericTransform;
import io.dlf.dsl.spec.Pooling;
import io.dlf.dsl.spec.Regularization;
import io.dlf.dsl.spec.Residual;
import io.dlf.dsl.spec.ResidualKind;
import io.dlf.dsl.spec.SpecException;
import io.dlf.dsl.spec.SummaryGate;
import io.dlf.dsl.spec.Violation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Converts a {@link ModelSpec} to and from its proto form ({@code dlf.spec.v1.ModelSpec}).
 * Writing sets every field (hash_buckets only where a feature hashes, so that specs without
 * hashing stay readable by older readers), so the proto (and its JSON) is self-describing. Reading
 * fills absent fields with the DSL defaults ({@link DlfLayer#paper()} for layer parts, {@link DeepFmBackbone#bars()},
 * {@link DcnV2Backbone#bars()} and {@link FinalMlpBackbone#bars()} for the baselines,
 * {@link MgdinBackbone#hint()} for MGDIN,
 * {@link InterFormerBackbone#paper()} for InterFormer) and validates present ones. A present
 * {@code mlp} message is taken whole: its hidden list may be empty.
 */
public final class SpecProtos {
  private final List<Violation> violations = new ArrayList<>();

  private SpecProtos() {}

  // ---------------------------------------------------------------- to proto

  public static io.dlf.proto.spec.v1.ModelSpec toProto(ModelSpec spec) {
    io.dlf.proto.spec.v1.ModelSpec.Builder out = io.dlf.proto.spec.v1.ModelSpec.newBuilder()
        .setFormatVersion(spec.formatVersion())
        .setName(spec.name())
        .setEmbedding(io.dlf.proto.spec.v1.Embedding.newBuilder()
            .setDim(spec.embedding().dim())
            .setInitStddev(spec.embedding().initStddev()))
        .setHead(io.dlf.proto.spec.v1.Head.newBuilder()
            .setKind(io.dlf.proto.spec.v1.Head.Kind.valueOf(spec.head().kind().name()))
            .setMlp(toProto(spec.head().mlp())))
        .setRegularization(io.dlf.proto.spec.v1.Regularization.newBuilder()
            .setEmbeddingL2(spec.regularization().embeddingL2())
            .setNetL2(spec.regularization().netL2()))
        .setDropout(spec.dropout());
    for (Feature f : spec.features()) {
      io.dlf.proto.spec.v1.Feature.Builder feature = io.dlf.proto.spec.v1.Feature.newBuilder();
      if (f.isHashed()) {
        // only when set: a spec without hashing stays readable by readers that predate the field
        feature.setHashBuckets(f.hashBuckets());
      }
      out.addFeatures(feature
          .setName(f.name())
          .setKind(io.dlf.proto.spec.v1.FeatureKind.valueOf(f.kind().name()))
          .setMinCount(f.minCount())
          .setTransform(io.dlf.proto.spec.v1.NumericTransform.valueOf("NUMERIC_" + f.transform().name()))
          .setFillValue(f.fillValue())
          .setMaxLength(f.maxLength())
          .setPooling(io.dlf.proto.spec.v1.Pooling.valueOf("POOLING_" + f.pooling().name()))
          .setSeparator(f.separator())
          .setVocabularyFrom(f.vocabularyFrom()));
    }
    spec.backbone().accept(new BackboneVisitor<Void>() {
      @Override
      public Void visitDlf(DlfBackbone dlf) {
        out.setDlf(toProto(dlf));
        return null;
      }

      @Override
      public Void visitFm(FmBackbone fm) {
        out.setFm(io.dlf.proto.spec.v1.FmBackbone.newBuilder().addAllInputs(fm.inputs()));
        return null;
      }

      @Override
      public Void visitDeepFm(DeepFmBackbone deepFm) {
        out.setDeepfm(io.dlf.proto.spec.v1.DeepFmBackbone.newBuilder()
            .addAllInputs(deepFm.inputs())
            .setDnn(toProto(deepFm.dnn())));
        return null;
      }

      @Override
      public Void visitDcnV2(DcnV2Backbone dcn) {
        out.setDcnv2(io.dlf.proto.spec.v1.DcnV2Backbone.newBuilder()
            .addAllInputs(dcn.inputs())
            .setCrossLayers(dcn.crossLayers())
            .setDnn(toProto(dcn.dnn()))
            .setStructure(io.dlf.proto.spec.v1.DcnV2Backbone.Structure.valueOf(dcn.structure().name())));
        return null;
      }

      @Override
      public Void visitFinalMlp(FinalMlpBackbone finalMlp) {
        io.dlf.proto.spec.v1.FinalMlpBackbone.Builder backbone = io.dlf.proto.spec.v1.FinalMlpBackbone.newBuilder()
            .addAllInputs(finalMlp.inputs())
            .setStream1(toProto(finalMlp.stream1()))
            .setStream2(toProto(finalMlp.stream2()))
            .setFeatureSelection(toProto(finalMlp.featureSelection()))
            .setHeads(finalMlp.heads());
        // written only when set, so that a format-2 spec stays readable by readers older than the field
        if (finalMlp.separateContextEmbeddings()) {
          backbone.setSeparateContextEmbeddings(true);
        }
        out.setFinalmlp(backbone);
        return null;
      }

      @Override
      public Void visitMgdin(MgdinBackbone mgdin) {
        out.setMgdin(io.dlf.proto.spec.v1.MgdinBackbone.newBuilder()
            .addAllInputs(mgdin.inputs())
            .addAllGranularities(mgdin.granularities())
            .setLayers(mgdin.layers())
            .setWidth(mgdin.width())
            .setHeads(mgdin.heads())
            .setFfnMultiplier(mgdin.ffnMultiplier())
            .setOrdering(io.dlf.proto.spec.v1.MgdinBackbone.FieldOrdering.valueOf(mgdin.ordering().name()))
            .setSchedule(io.dlf.proto.spec.v1.MgdinBackbone.MaskSchedule.valueOf(mgdin.schedule().name())));
        return null;
      }

      @Override
      public Void visitInterFormer(InterFormerBackbone i) {
        out.setInterformer(io.dlf.proto.spec.v1.InterFormerBackbone.newBuilder()
            .addAllInputs(i.inputs())
            .setSequence(i.sequence())
            .setLayers(i.layers())
            .setHeads(i.heads())
            .setSummaryTokens(i.summaryTokens())
            .setPmaTokens(i.pmaTokens())
            .setRecentTokens(i.recentTokens())
            .setFfnMultiplier(i.ffnMultiplier())
            .setInteraction(io.dlf.proto.spec.v1.InterFormerBackbone.InteractionArch.valueOf(i.interaction().name()))
            .setGate(io.dlf.proto.spec.v1.InterFormerBackbone.SummaryGate.valueOf(i.gate().name())));
        return null;
      }
    });
    return out.build();
  }

  private static io.dlf.proto.spec.v1.DlfBackbone toProto(DlfBackbone dlf) {
    io.dlf.proto.spec.v1.DlfBackbone.Builder out = io.dlf.proto.spec.v1.DlfBackbone.newBuilder()
        .addAllInputs(dlf.inputs())
        .setFusionSite(io.dlf.proto.spec.v1.DlfBackbone.FusionSite.valueOf(dlf.fusionSite().name()));
    for (DlfLayer layer : dlf.layers()) {
      Fusion fusion = layer.fusion();
      Residual residual = layer.residual();
      out.addLayers(io.dlf.proto.spec.v1.DlfLayer.newBuilder()
          .setLowRank(toProto(layer.lowRank()))
          .setHighRank(toProto(layer.highRank()))
          .setImplicit(io.dlf.proto.spec.v1.ImplicitBlock.newBuilder()
              .setEnabled(layer.implicit().enabled())
              .setTokens(layer.implicit().tokens())
              .setBias(layer.implicit().bias())
              .setOutputActivation(toProto(layer.implicit().outputActivation())))
          .setFusion(io.dlf.proto.spec.v1.Fusion.newBuilder()
              .setKind(io.dlf.proto.spec.v1.Fusion.Kind.valueOf(fusion.kind().name()))
              .setHeads(fusion.heads())
              .setAttentionDim(fusion.attentionDim())
              .setSublayers(fusion.sublayers())
              .setKeepBlockOutputs(fusion.keepBlockOutputs())
              .setMlp(toProto(fusion.mlp())))
          .setResidual(io.dlf.proto.spec.v1.Residual.newBuilder()
              .setKind(io.dlf.proto.spec.v1.Residual.Kind.valueOf(residual.kind().name()))
              .setSigmoidGate(residual.sigmoidGate())
              .setLayerNormEpsilon(residual.layerNormEpsilon())));
    }
    return out.build();
  }

  private static io.dlf.proto.spec.v1.FmBlock toProto(FmBlock block) {
    return io.dlf.proto.spec.v1.FmBlock.newBuilder()
        .setEnabled(block.enabled())
        .setTokens(block.tokens())
        .setRank(block.rank())
        .setMlp(toProto(block.mlp()))
        .setOutputActivation(toProto(block.outputActivation()))
        .build();
  }

  private static io.dlf.proto.spec.v1.FinalMlpStream toProto(FinalMlpStream stream) {
    return io.dlf.proto.spec.v1.FinalMlpStream.newBuilder()
        .addAllFsContext(stream.fsContext())
        .setMlp(toProto(stream.mlp()))
        .setDropout(stream.dropout())
        .build();
  }

  private static io.dlf.proto.spec.v1.Mlp toProto(Mlp mlp) {
    return io.dlf.proto.spec.v1.Mlp.newBuilder()
        .addAllHidden(mlp.hidden())
        .setBatchNorm(mlp.batchNorm())
        .setActivation(toProto(mlp.activation()))
        .build();
  }

  private static io.dlf.proto.spec.v1.Activation toProto(Activation activation) {
    return io.dlf.proto.spec.v1.Activation.valueOf("ACTIVATION_" + activation.name());
  }

  // ---------------------------------------------------------------- from proto

  /**
   * Reads a proto spec. Throws {@link SpecException} naming every field that is missing, of an
   * unknown value, or breaks a rule of {@link ModelSpec}.
   */
  public static ModelSpec fromProto(io.dlf.proto.spec.v1.ModelSpec proto) {
    SpecProtos reader = new SpecProtos();
    if (proto.getFormatVersion() == 0) {
      reader.violations.add(new Violation("format_version",
          "missing; set it to the spec format written for (this reader knows 1.." + ModelSpec.FORMAT_VERSION + ")"));
    }
    List<Feature> features = new ArrayList<>();
    for (int i = 0; i < proto.getFeaturesCount(); i++) {
      features.add(reader.feature("features[" + i + "]", proto.getFeatures(i)));
    }
    io.dlf.proto.spec.v1.Embedding e = proto.getEmbedding();
    Embedding embedding = new Embedding(
        e.hasDim() ? e.getDim() : Embedding.DEFAULT_DIM,
        e.hasInitStddev() ? e.getInitStddev() : Embedding.DEFAULT_INIT_STDDEV);
    Head head = proto.hasHead() ? reader.head(proto.getHead()) : Head.linear();
    io.dlf.proto.spec.v1.Regularization r = proto.getRegularization();
    Regularization regularization = new Regularization(r.getEmbeddingL2(), r.getNetL2());
    Backbone backbone = switch (proto.getBackboneCase()) {
      case DLF -> reader.dlf(proto.getDlf());
      case FM -> new FmBackbone(proto.getFm().getInputsList());
      case DEEPFM -> reader.deepFm(proto.getDeepfm());
      case DCNV2 -> reader.dcnV2(proto.getDcnv2());
      case FINALMLP -> reader.finalMlp(proto.getFinalmlp());
      case MGDIN -> reader.mgdin(proto.getMgdin());
      case INTERFORMER -> reader.interFormer(proto.getInterformer());
      case BACKBONE_NOT_SET -> {
        reader.violations.add(new Violation("backbone",
            "no backbone is set (expected one of: dlf, fm, deepfm, dcnv2, finalmlp, mgdin, interformer)"));
        yield null;
      }
    };
    if (!reader.violations.isEmpty()) {
      throw new SpecException(proto.getName(), reader.violations);
    }
    return new ModelSpec(proto.getFormatVersion(), proto.getName(), features, embedding, backbone, head,
        regularization, proto.getDropout());
  }

  private Feature feature(String path, io.dlf.proto.spec.v1.Feature p) {
    Feature d = Feature.categorical(p.getName());
    FeatureKind kind = enumValue(path + ".kind", p.getKind(), FeatureKind.class, "", null);
    return new Feature(
        p.getName(),
        kind == null ? d.kind() : kind,
        p.hasMinCount() ? p.getMinCount() : d.minCount(),
        p.hasTransform() ? enumValue(path + ".transform", p.getTransform(), NumericTransform.class, "NUMERIC_", d.transform()) : d.transform(),
        p.hasFillValue() ? p.getFillValue() : d.fillValue(),
        p.hasMaxLength() ? p.getMaxLength() : d.maxLength(),
        p.hasPooling() ? enumValue(path + ".pooling", p.getPooling(), Pooling.class, "POOLING_", d.pooling()) : d.pooling(),
        p.hasSeparator() ? p.getSeparator() : d.separator(),
        p.getVocabularyFrom(),
        p.getHashBuckets());
  }

  private Head head(io.dlf.proto.spec.v1.Head p) {
    HeadKind kind = p.hasKind() ? enumValue("head.kind", p.getKind(), HeadKind.class, "", HeadKind.LINEAR) : HeadKind.LINEAR;
    return new Head(kind, p.hasMlp() ? mlp("head.mlp", p.getMlp(), Mlp.of()) : Mlp.of());
  }

  private DlfBackbone dlf(io.dlf.proto.spec.v1.DlfBackbone p) {
    DlfLayer d = DlfLayer.paper();
    List<DlfLayer> layers = new ArrayList<>();
    for (int i = 0; i < p.getLayersCount(); i++) {
      String path = "dlf.layers[" + i + "]";
      io.dlf.proto.spec.v1.DlfLayer l = p.getLayers(i);
      layers.add(new DlfLayer(
          l.hasLowRank() ? fmBlock(path + ".low_rank", l.getLowRank(), d.lowRank()) : d.lowRank(),
          l.hasHighRank() ? fmBlock(path + ".high_rank", l.getHighRank(), d.highRank()) : d.highRank(),
          l.hasImplicit() ? implicit(path + ".implicit", l.getImplicit(), d.implicit()) : d.implicit(),
          l.hasFusion() ? fusion(path + ".fusion", l.getFusion(), d.fusion()) : d.fusion(),
          l.hasResidual() ? residual(path + ".residual", l.getResidual(), d.residual()) : d.residual()));
    }
    FusionSite site = p.hasFusionSite()
        ? enumValue("dlf.fusion_site", p.getFusionSite(), FusionSite.class, "", FusionSite.EVERY_LAYER)
        : FusionSite.EVERY_LAYER;
    return new DlfBackbone(layers, p.getInputsList(), site);
  }

  private DeepFmBackbone deepFm(io.dlf.proto.spec.v1.DeepFmBackbone p) {
    DeepFmBackbone d = DeepFmBackbone.bars();
    return new DeepFmBackbone(p.getInputsList(), p.hasDnn() ? mlp("deepfm.dnn", p.getDnn(), d.dnn()) : d.dnn());
  }

  private DcnV2Backbone dcnV2(io.dlf.proto.spec.v1.DcnV2Backbone p) {
    DcnV2Backbone d = DcnV2Backbone.bars();
    return new DcnV2Backbone(
        p.getInputsList(),
        p.hasCrossLayers() ? p.getCrossLayers() : d.crossLayers(),
        p.hasDnn() ? mlp("dcnv2.dnn", p.getDnn(), d.dnn()) : d.dnn(),
        p.hasStructure()
            ? enumValue("dcnv2.structure", p.getStructure(), CrossStructure.class, "", d.structure())
            : d.structure());
  }

  private FinalMlpBackbone finalMlp(io.dlf.proto.spec.v1.FinalMlpBackbone p) {
    FinalMlpBackbone d = FinalMlpBackbone.bars();
    return new FinalMlpBackbone(
        p.getInputsList(),
        p.hasStream1() ? stream(FinalMlpBackbone.streamPath(0), p.getStream1(), d.stream1()) : d.stream1(),
        p.hasStream2() ? stream(FinalMlpBackbone.streamPath(1), p.getStream2(), d.stream2()) : d.stream2(),
        p.hasFeatureSelection() ? mlp("finalmlp.feature_selection", p.getFeatureSelection(), d.featureSelection())
            : d.featureSelection(),
        p.hasHeads() ? p.getHeads() : d.heads(),
        p.hasSeparateContextEmbeddings() ? p.getSeparateContextEmbeddings() : d.separateContextEmbeddings());
  }

  private FinalMlpStream stream(String path, io.dlf.proto.spec.v1.FinalMlpStream p, FinalMlpStream d) {
    return new FinalMlpStream(
        p.getFsContextList(),
        p.hasMlp() ? mlp(path + ".mlp", p.getMlp(), d.mlp()) : d.mlp(),
        p.hasDropout() ? p.getDropout() : d.dropout());
  }

  private MgdinBackbone mgdin(io.dlf.proto.spec.v1.MgdinBackbone p) {
    MgdinBackbone d = MgdinBackbone.hint();
    return new MgdinBackbone(
        p.getInputsList(),
        p.getGranularitiesCount() > 0 ? p.getGranularitiesList() : d.granularities(),
        p.hasLayers() ? p.getLayers() : d.layers(),
        p.hasWidth() ? p.getWidth() : d.width(),
        p.hasHeads() ? p.getHeads() : d.heads(),
        p.hasFfnMultiplier() ? p.getFfnMultiplier() : d.ffnMultiplier(),
        p.hasOrdering() ? enumValue("mgdin.ordering", p.getOrdering(), FieldOrdering.class, "", d.ordering())
            : d.ordering(),
        p.hasSchedule() ? enumValue("mgdin.schedule", p.getSchedule(), MaskSchedule.class, "", d.schedule())
            : d.schedule());
  }

  private InterFormerBackbone interFormer(io.dlf.proto.spec.v1.InterFormerBackbone p) {
    InterFormerBackbone d = InterFormerBackbone.paper();
    return new InterFormerBackbone(
        p.getInputsList(),
        p.getSequence(),
        p.hasLayers() ? p.getLayers() : d.layers(),
        p.hasHeads() ? p.getHeads() : d.heads(),
        p.hasSummaryTokens() ? p.getSummaryTokens() : d.summaryTokens(),
        p.hasPmaTokens() ? p.getPmaTokens() : d.pmaTokens(),
        p.hasRecentTokens() ? p.getRecentTokens() : d.recentTokens(),
        p.hasFfnMultiplier() ? p.getFfnMultiplier() : d.ffnMultiplier(),
        p.hasInteraction()
            ? enumValue("interformer.interaction", p.getInteraction(), InteractionArch.class, "", d.interaction())
            : d.interaction(),
        p.hasGate() ? enumValue("interformer.gate", p.getGate(), SummaryGate.class, "", d.gate()) : d.gate());
  }

  private FmBlock fmBlock(String path, io.dlf.proto.spec.v1.FmBlock p, FmBlock d) {
    return new FmBlock(
        p.hasEnabled() ? p.getEnabled() : d.enabled(),
        p.hasTokens() ? p.getTokens() : d.tokens(),
        p.hasRank() ? p.getRank() : d.rank(),
        p.hasMlp() ? mlp(path + ".mlp", p.getMlp(), d.mlp()) : d.mlp(),
        p.hasOutputActivation() ? activation(path + ".output_activation", p.getOutputActivation(), d.outputActivation())
            : d.outputActivation());
  }

  private ImplicitBlock implicit(String path, io.dlf.proto.spec.v1.ImplicitBlock p, ImplicitBlock d) {
    return new ImplicitBlock(
        p.hasEnabled() ? p.getEnabled() : d.enabled(),
        p.hasTokens() ? p.getTokens() : d.tokens(),
        p.hasBias() ? p.getBias() : d.bias(),
        p.hasOutputActivation() ? activation(path + ".output_activation", p.getOutputActivation(), d.outputActivation())
            : d.outputActivation());
  }

  private Fusion fusion(String path, io.dlf.proto.spec.v1.Fusion p, Fusion d) {
    return new Fusion(
        p.hasKind() ? enumValue(path + ".kind", p.getKind(), FusionKind.class, "", d.kind()) : d.kind(),
        p.hasHeads() ? p.getHeads() : d.heads(),
        p.hasAttentionDim() ? p.getAttentionDim() : d.attentionDim(),
        p.hasSublayers() ? p.getSublayers() : d.sublayers(),
        p.hasKeepBlockOutputs() ? p.getKeepBlockOutputs() : d.keepBlockOutputs(),
        p.hasMlp() ? mlp(path + ".mlp", p.getMlp(), d.mlp()) : d.mlp());
  }

  private Residual residual(String path, io.dlf.proto.spec.v1.Residual p, Residual d) {
    return new Residual(
        p.hasKind() ? enumValue(path + ".kind", p.getKind(), ResidualKind.class, "", d.kind()) : d.kind(),
        p.hasSigmoidGate() ? p.getSigmoidGate() : d.sigmoidGate(),
        p.hasLayerNormEpsilon() ? p.getLayerNormEpsilon() : d.layerNormEpsilon());
  }

  private Mlp mlp(String path, io.dlf.proto.spec.v1.Mlp p, Mlp d) {
    return new Mlp(
        p.getHiddenList(),
        p.hasBatchNorm() ? p.getBatchNorm() : d.batchNorm(),
        p.hasActivation() ? activation(path + ".activation", p.getActivation(), d.activation()) : d.activation());
  }

  private Activation activation(String path, io.dlf.proto.spec.v1.Activation p, Activation fallback) {
    return enumValue(path, p, Activation.class, "ACTIVATION_", fallback);
  }

  /**
   * Maps a proto enum to the domain enum of the same name (less the proto prefix). An unspecified
   * or unknown value is a violation; {@code fallback} stands in so reading can go on.
   */
  private <E extends Enum<E>> E enumValue(
      String path, ProtocolMessageEnum value, Class<E> type, String prefix, E fallback) {
    String name = ((Enum<?>) value).name();
    if (name.startsWith(prefix)) {
      String bare = name.substring(prefix.length());
      for (E candidate : type.getEnumConstants()) {
        if (candidate.name().equals(bare)) {
          return candidate;
        }
      }
    }
    String expected = Arrays.stream(type.getEnumConstants()).map(c -> prefix + c.name())
        .collect(Collectors.joining(", "));
    String given = name.equals("UNRECOGNIZED") ? "an unknown value" : name;
    violations.add(new Violation(path, given + " is not allowed; expected one of " + expected));
    return fallback;
  }
}
