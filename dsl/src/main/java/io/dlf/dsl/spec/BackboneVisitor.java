package io.dlf.dsl.spec;

/** One operation over every kind of backbone; adding a backbone adds a method here. */
public interface BackboneVisitor<R> {

  R visitDlf(DlfBackbone dlf);
}
