package io.dlf.dsl.spec;

import java.util.List;

/** The interaction network between the embedding layer and the head. */
public sealed interface Backbone permits DlfBackbone, FmBackbone, DeepFmBackbone, DcnV2Backbone,
    FinalMlpBackbone, MgdinBackbone, InterFormerBackbone {

  /** The path prefix of this backbone's blocks in error messages and summaries. */
  String pathName();

  /** Features stacked into the field embeddings, in order; empty means every declared feature. */
  List<String> inputs();

  /**
   * The first spec format that can express this backbone, so a reader that predates it rejects the
   * spec by its version instead of by an unknown field.
   */
  default int formatVersion() {
    return 1;
  }

  <R> R accept(BackboneVisitor<R> visitor);
}
