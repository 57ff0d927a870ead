package io.dlf.dsl.spec;

/** How a sequence feature's token embeddings are pooled, ignoring padding. */
public enum Pooling {
  MEAN,
  SUM
}
