package io.dlf.dsl.spec;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;

/**
 * MGDIN, "Deferred is Better" (dlf-model-reference §13.3): one branch per granularity g. A branch
 * orders the fields ({@link FieldOrdering}), chunks them into M = ceil(F / g) groups of g fields (the
 * last one padded with zero embeddings) and projects each group's concatenated embeddings to a token
 * of {@code width}. Then {@code layers} post-norm transformer layers, {@code Z = LN(MaskedAttn(T) + T)},
 * {@code T = LN(FFN(Z) + Z)} with {@code FFN = Linear(width -> ffnMultiplier * width) -> GELU -> Linear
 * -> dropout}, whose attention defers low-information groups to deeper layers ({@link MaskSchedule}).
 * Each branch's tokens are mean-pooled and the branches concatenated for the head.
 *
 * <p>Attention has bias-free query, key and value projections and an output projection with bias;
 * the model's dropout applies to the attention weights and the FFN output.
 *
 * @param inputs features stacked into the field embeddings, in order; empty means every declared feature
 * @param granularities fields per group, one branch each, each between 1 and the number of fields
 * @param layers transformer layers per branch, L
 * @param width the branch token width d_b
 * @param heads attention heads; must divide {@code width}
 * @param ffnMultiplier the FFN's hidden width is {@code ffnMultiplier * width}
 */
public record MgdinBackbone(
    List<String> inputs,
    List<Integer> granularities,
    int layers,
    int width,
    int heads,
    int ffnMultiplier,
    FieldOrdering ordering,
    MaskSchedule schedule) implements Backbone {

  public MgdinBackbone {
    inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
    granularities = List.copyOf(requireNonNull(granularities, "granularities is null"));
    requireNonNull(ordering, "ordering is null");
    requireNonNull(schedule, "schedule is null");
  }

  /**
   * The public re-implementation's defaults ([HINT]): granularities 1, 2 and 5 (for Frappe's 10
   * fields), three layers, one head, a 4x FFN; width 64; information ordering and the group-level
   * schedule. The default of every part a serialized spec leaves out.
   */
  public static MgdinBackbone hint() {
    return new MgdinBackbone(List.of(), List.of(1, 2, 5), 3, 64, 1, 4, FieldOrdering.INFORMATION,
        MaskSchedule.GROUP);
  }

  @Override
  public String pathName() {
    return "mgdin";
  }

  @Override
  public int formatVersion() {
    return 2;
  }

  @Override
  public <R> R accept(BackboneVisitor<R> visitor) {
    return visitor.visitMgdin(this);
  }

  public MgdinBackbone inputs(List<String> value) {
    return new MgdinBackbone(value, granularities, layers, width, heads, ffnMultiplier, ordering, schedule);
  }

  public MgdinBackbone granularities(int... value) {
    return new MgdinBackbone(inputs, Arrays.stream(value).boxed().toList(), layers, width, heads, ffnMultiplier,
        ordering, schedule);
  }

  public MgdinBackbone layers(int value) {
    return new MgdinBackbone(inputs, granularities, value, width, heads, ffnMultiplier, ordering, schedule);
  }

  public MgdinBackbone width(int value) {
    return new MgdinBackbone(inputs, granularities, layers, value, heads, ffnMultiplier, ordering, schedule);
  }

  public MgdinBackbone heads(int value) {
    return new MgdinBackbone(inputs, granularities, layers, width, value, ffnMultiplier, ordering, schedule);
  }

  public MgdinBackbone ffnMultiplier(int value) {
    return new MgdinBackbone(inputs, granularities, layers, width, heads, value, ordering, schedule);
  }

  public MgdinBackbone ordering(FieldOrdering value) {
    return new MgdinBackbone(inputs, granularities, layers, width, heads, ffnMultiplier, value, schedule);
  }

  public MgdinBackbone schedule(MaskSchedule value) {
    return new MgdinBackbone(inputs, granularities, layers, width, heads, ffnMultiplier, ordering, value);
  }
}
