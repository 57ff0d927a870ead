package io.dlf.dsl.plan;

import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.FinalMlpBackbone;
import io.dlf.dsl.spec.FinalMlpStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * FinalMLP with resolved shapes: both streams read the flattened field embeddings (F x D) through
 * their gates; the bilinear fusion of their outputs goes to the logit directly, so the head reads
 * nothing ({@code [0]}) and is only the global bias.
 *
 * @param contextFields per stream, the E(1) positions of its context features, in order
 * @param contextTables per stream, the vocabulary owners whose rows its own context table repeats, in
 *     first-use order; empty unless the spec asks for separate context embeddings
 */
public record FinalMlpPlan(FinalMlpBackbone spec, List<List<Integer>> contextFields, List<List<String>> contextTables,
    int fields, int dim) implements BackbonePlan {

  public FinalMlpPlan {
    contextFields = contextFields.stream().map(List::copyOf).toList();
    contextTables = contextTables.stream().map(List::copyOf).toList();
  }

  static FinalMlpPlan of(FinalMlpBackbone spec, List<Feature> fields, int dim) {
    List<String> names = fields.stream().map(Feature::name).toList();
    List<List<Integer>> contexts = spec.streams().stream()
        .map(stream -> stream.fsContext().stream().map(names::indexOf).toList()).toList();
    List<List<String>> tables = contexts.stream()
        .map(positions -> spec.separateContextEmbeddings()
            ? positions.stream().map(i -> fields.get(i).vocabularyOwner()).distinct().toList()
            : List.<String>of())
        .toList();
    return new FinalMlpPlan(spec, contexts, tables, fields.size(), dim);
  }

  /** A stream's own context table, under the stream's path. */
  public static final String CONTEXT_TABLE = "feature_selection.context_embedding";

  /** The block path of stream {@code index}'s own context table. */
  public static String contextTablePath(int index) {
    return FinalMlpBackbone.streamPath(index) + "." + CONTEXT_TABLE;
  }

  @Override
  public Map<String, List<String>> ownTables() {
    Map<String, List<String>> tables = new LinkedHashMap<>();
    for (int i = 0; i < contextTables.size(); i++) {
      if (!contextTables.get(i).isEmpty()) {
        tables.put(contextTablePath(i), contextTables.get(i));
      }
    }
    return tables;
  }

  /** x, the flattened field embeddings: the gate's output and each stream's input width. */
  public int inputWidth() {
    return fields * dim;
  }

  /** The width of stream {@code index}'s context: its features' embeddings, or one learned vector of D. */
  public int contextWidth(int index) {
    return Math.max(1, contextFields.get(index).size()) * dim;
  }

  /** The output width of stream {@code index}'s MLP. */
  public int streamWidth(int index) {
    return (int) ParameterCounts.width(inputWidth(), spec.streams().get(index).mlp());
  }

  @Override
  public List<Integer> outputShape() {
    return List.of(0);
  }

  @Override
  public List<SummaryRow> rows() {
    List<SummaryRow> rows = new ArrayList<>();
    for (int i = 0; i < spec.streams().size(); i++) {
      FinalMlpStream stream = spec.streams().get(i);
      String path = FinalMlpBackbone.streamPath(i);
      String context = stream.fsContext().isEmpty() ? "learned context" : String.join(", ", stream.fsContext());
      long learnedContext = stream.fsContext().isEmpty() ? dim : 0;
      rows.add(new SummaryRow(path + ".feature_selection", "feature selection (" + context + ")",
          List.of(inputWidth()), learnedContext + ParameterCounts.mlp(contextWidth(i), spec.featureSelection(),
              inputWidth())));
      rows.add(new SummaryRow(path + ".mlp", "mlp", List.of(streamWidth(i)),
          ParameterCounts.hidden(inputWidth(), stream.mlp())));
    }
    rows.add(new SummaryRow("finalmlp.fusion", "bilinear fusion x" + spec.heads() + " heads", List.of(1),
        ParameterCounts.bilinearFusion(streamWidth(0), streamWidth(1), spec.heads())));
    return rows;
  }

  @Override
  public <R> R accept(BackbonePlanVisitor<R> visitor) {
    return visitor.visitFinalMlp(this);
  }
}
