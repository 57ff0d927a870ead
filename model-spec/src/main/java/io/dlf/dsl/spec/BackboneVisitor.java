package io.dlf.dsl.spec;

/** One operation over every kind of backbone; adding a backbone adds a method here. */
public interface BackboneVisitor<R> {

  R visitDlf(DlfBackbone dlf);

  R visitFm(FmBackbone fm);

  R visitDeepFm(DeepFmBackbone deepFm);

  R visitDcnV2(DcnV2Backbone dcnV2);

  R visitFinalMlp(FinalMlpBackbone finalMlp);

  R visitMgdin(MgdinBackbone mgdin);

  R visitInterFormer(InterFormerBackbone interFormer);
}
