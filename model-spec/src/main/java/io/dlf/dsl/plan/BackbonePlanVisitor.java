package io.dlf.dsl.plan;

/** One operation over every kind of backbone plan; adding a backbone adds a method here. */
public interface BackbonePlanVisitor<R> {

  R visitDlf(DlfPlan dlf);

  R visitFm(FmPlan fm);

  R visitDeepFm(DeepFmPlan deepFm);

  R visitDcnV2(DcnV2Plan dcnV2);

  R visitFinalMlp(FinalMlpPlan finalMlp);

  R visitMgdin(MgdinPlan mgdin);

  R visitInterFormer(InterFormerPlan interFormer);
}
