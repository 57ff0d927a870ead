package io.dlf.dsl.plan;

import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.InteractionArch;
import io.dlf.dsl.spec.InterFormerBackbone;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * InterFormer with resolved shapes: n non-sequence tokens and, with a sequence, {@code n_sum + T}
 * sequence tokens (CLS first), all of the embedding dim; per layer a Cross, an Interaction and a
 * Sequence Arch, then a final Cross Arch whose summaries the head reads.
 *
 * @param tokenFields E(1) positions of the non-sequence fields, in order
 * @param sequenceField E(1) position of the sequence field; -1 for none
 * @param sequenceLength T, the sequence's max length; 0 for none
 */
public record InterFormerPlan(InterFormerBackbone spec, List<Integer> tokenFields, int sequenceField,
    int sequenceLength, int dim) implements BackbonePlan {

  /** The block path of the final Cross Arch, whose summaries the head reads. */
  public static final String SUMMARY = "interformer.summary";

  public InterFormerPlan {
    tokenFields = List.copyOf(tokenFields);
  }

  static InterFormerPlan of(InterFormerBackbone spec, List<Feature> fields, int dim) {
    int sequenceField = IntStream.range(0, fields.size())
        .filter(i -> fields.get(i).name().equals(spec.sequence())).findFirst().orElse(-1);
    List<Integer> tokenFields = IntStream.range(0, fields.size()).filter(i -> i != sequenceField).boxed().toList();
    int length = sequenceField < 0 ? 0 : fields.get(sequenceField).maxLength();
    return new InterFormerPlan(spec, tokenFields, sequenceField, length, dim);
  }

  /** The block path of layer {@code l}, from 0. */
  public static String layerPath(int l) {
    return "interformer.layers[" + l + "]";
  }

  public boolean hasSequence() {
    return sequenceField >= 0;
  }

  /** n, the non-sequence tokens. */
  public int tokens() {
    return tokenFields.size();
  }

  /** Tokens of the sequence summary: CLS, PMA and recent; none without a sequence. */
  public int sequenceSummaryTokens() {
    return hasSequence() ? spec.summaryTokens() + spec.pmaTokens() + spec.recentTokens() : 0;
  }

  /** Sequence tokens through the layers: the CLS tokens, then the T history positions. */
  public int sequenceTokens() {
    return spec.summaryTokens() + sequenceLength;
  }

  /** Tokens the Interaction Arch reads: X and the sequence summary. */
  public int interactionTokens() {
    return tokens() + sequenceSummaryTokens();
  }

  public int ffnWidth() {
    return spec.ffnMultiplier() * dim;
  }

  @Override
  public List<Integer> outputShape() {
    return List.of(spec.summaryTokens() + sequenceSummaryTokens(), dim);
  }

  @Override
  public List<SummaryRow> rows() {
    List<SummaryRow> rows = new ArrayList<>();
    for (int l = 0; l < spec.layers(); l++) {
      String path = layerPath(l);
      String interaction = "interaction (" + spec.interaction().name().toLowerCase(Locale.ROOT) + ")";
      if (!hasSequence()) {
        rows.add(new SummaryRow(path + ".interaction", interaction, List.of(tokens(), dim), interactionParameters()));
        continue;
      }
      rows.add(crossRow(path + ".cross"));
      rows.add(new SummaryRow(path + ".interaction", interaction + " over x and the sequence summary",
          List.of(tokens(), dim), interactionParameters()));
      rows.add(new SummaryRow(path + ".sequence", "personalised ffn + masked self-attention",
          List.of(sequenceTokens(), dim), sequenceParameters()));
    }
    rows.add(crossRow(SUMMARY));
    return rows;
  }

  private SummaryRow crossRow(String path) {
    long x = (long) tokens() * spec.summaryTokens() + ParameterCounts.dense(dim, dim);
    long s = 0;
    if (hasSequence()) {
      s = ParameterCounts.dense(dim, dim)
          + (spec.pmaTokens() > 0 ? (long) spec.pmaTokens() * dim + pmaAttention() : 0);
    }
    return new SummaryRow(path, "cross: gated x and sequence summaries", outputShape(), x + s);
  }

  /** The seeds are the queries themselves, so PMA has key, value and output projections only. */
  private long pmaAttention() {
    return ParameterCounts.attention(dim) - (long) dim * dim;
  }

  private long interactionParameters() {
    if (spec.interaction() == InteractionArch.SELF_ATTENTION) {
      return ParameterCounts.transformerLayer(dim, ffnWidth());
    }
    long m = interactionTokens();
    long flat = (long) tokens() * dim;
    return ParameterCounts.dense(m * m + flat, flat) + ParameterCounts.norm(dim);
  }

  private long sequenceParameters() {
    return (long) spec.summaryTokens() * dim + ParameterCounts.norm(dim) + ParameterCounts.attention(dim)
        + ParameterCounts.norm(dim);
  }

  @Override
  public <R> R accept(BackbonePlanVisitor<R> visitor) {
    return visitor.visitInterFormer(this);
  }
}
