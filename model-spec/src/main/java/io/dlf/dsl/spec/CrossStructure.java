package io.dlf.dsl.spec;

/** How DCNv2 combines its cross network with its DNN. */
public enum CrossStructure {
  /** Both read the flattened embeddings x0; the head reads their outputs concatenated. */
  PARALLEL,
  /** The DNN reads the cross network's output; the head reads the DNN's. */
  STACKED
}
