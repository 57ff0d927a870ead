package io.dlf.dsl.spec;

import java.util.List;

/** The interaction network between the embedding layer and the head. */
public sealed interface Backbone permits DlfBackbone {

  /** The path prefix of this backbone's blocks in error messages and summaries. */
  String pathName();

  /** Features stacked into the field embeddings, in order; empty means every declared feature. */
  List<String> inputs();

  <R> R accept(BackboneVisitor<R> visitor);
}
