package io.dlf.dsl.plan;

import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * A model's blocks with output shapes (per sample; the batch axis is implied) and parameter counts.
 *
 * @param embeddingParameters known only when vocabulary sizes were given
 */
public record ModelSummary(String model, List<SummaryRow> rows, OptionalLong embeddingParameters) {

  public ModelSummary {
    rows = List.copyOf(rows);
  }

  /** Parameters outside the embedding tables: every block, the residual norms and the head. */
  public long nonEmbeddingParameters() {
    return rows.stream().filter(r -> !r.embedding()).mapToLong(SummaryRow::parameters).sum();
  }

  /** A fixed-width table, one row per block, with totals. */
  public String table() {
    int pathWidth = Math.max(5, rows.stream().mapToInt(r -> r.path().length()).max().orElse(0));
    int blockWidth = Math.max(5, rows.stream().mapToInt(r -> r.block().length()).max().orElse(0));
    String format = "%-" + pathWidth + "s  %-" + blockWidth + "s  %-14s  %,14d%n";
    StringBuilder out = new StringBuilder();
    out.append(String.format("%-" + pathWidth + "s  %-" + blockWidth + "s  %-14s  %14s%n",
        "block", "kind", "output", "parameters"));
    for (SummaryRow row : rows) {
      String shape = "[B, " + row.outputShape().stream().map(String::valueOf).collect(Collectors.joining(", ")) + "]";
      if (row.parameters() < 0) {
        out.append(String.format("%-" + pathWidth + "s  %-" + blockWidth + "s  %-14s  %14s%n",
            row.path(), row.block(), shape, "(vocab sizes)"));
      } else {
        out.append(String.format(format, row.path(), row.block(), shape, row.parameters()));
      }
    }
    out.append(String.format("non-embedding parameters: %,d%n", nonEmbeddingParameters()));
    embeddingParameters().ifPresent(e -> out.append(String.format(
        "embedding parameters: %,d%ntotal parameters: %,d%n", e, e + nonEmbeddingParameters())));
    return out.toString();
  }
}
