package io.dlf.dsl.export;

import io.dlf.dsl.compile.ServingGraph;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * The bytes a version will take on disk, estimated before it is written, and never below what it
 * takes. Measured on the exported models of the round-trip test, with 5 and 3,000 tokens per
 * vocabulary: the variables file holds exactly the variables' floats, {@code saved_model.pb} is the
 * graph (vocabularies included, as constants) and 12 to 24% more (the saver's ops, the op list,
 * the signatures); the rest (the variables' index, file system blocks, folders) stays under 64 KiB.
 */
final class VersionSize {
  private static final long SMALL_FILES = 64 * 1024;

  private VersionSize() {}

  static long estimate(ServingGraph graph, Collection<String> textFiles) {
    long texts = textFiles.stream().mapToLong(t -> t.getBytes(StandardCharsets.UTF_8).length).sum();
    long graphBytes = graph.graph().toGraphDef().getSerializedSize();
    return graphBytes + graphBytes / 4 + graph.variableBytes() + texts + SMALL_FILES;
  }
}
