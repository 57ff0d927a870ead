package io.dlf.dsl.plan;

/** One operation over every kind of backbone plan; adding a backbone adds a method here. */
public interface BackbonePlanVisitor<R> {

  R visitDlf(DlfPlan dlf);
}
