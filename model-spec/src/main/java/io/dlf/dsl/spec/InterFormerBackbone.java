package io.dlf.dsl.spec;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * InterFormer (arXiv 2411.09852, dlf-model-reference §14): non-sequence tokens X (the E(1) tokens
 * of every input except the sequence) and a behaviour sequence S (the sequence feature's token
 * embeddings {@code [T, D]} with a padding mask) interleaved in both directions, summaries kept
 * separate. Before layer 1 the non-sequence summary is prepended to S as {@code summaryTokens} CLS
 * tokens. Per layer, from the layer's input:
 * <ol>
 *   <li>Cross Arch: {@code X_sum = Gate(X^T W)^T} (linear token compression n to summaryTokens)
 *       and {@code S_sum = Gate([CLS ‖ PMA ‖ recent])}: the CLS positions, {@code pmaTokens}
 *       learned seed queries attending over the unpadded sequence, and the {@code recentTokens}
 *       most recent real tokens (zero where the history is shorter);
 *   <li>Interaction Arch ({@link InteractionArch}): X over {@code [X ‖ S_sum]}, back to n tokens;
 *   <li>Sequence Arch: a personalised FFN, {@code S + act(S W_p)} with the per-sample
 *       {@code W_p = X_sum^T W} ({@code D x D}), LayerNorm, then masked multi-head self-attention
 *       with residual and LayerNorm.
 * </ol>
 * After the last layer the Cross Arch runs once more, so the head reads the final layer's outputs
 * ([RECON]): {@code [X_sum ‖ S_sum]} flattened. Without a sequence (empty {@code sequence}) the
 * model degenerates to its Interaction Arch over X and the head reads X_sum (§14.3).
 *
 * <p>Left out: RoPE (the sequence attention has no position encoding, so beyond the recent tokens
 * it reads the history as a set) and MaskNet (one sequence only). The activation is SiLU, the
 * paper's choice; LayerNorm epsilon 1e-5; parameters are not shared across layers.
 *
 * @param inputs features of the backbone, the sequence among them; empty means every declared feature
 * @param sequence the SEQUENCE feature read as tokens; empty for none
 * @param layers L
 * @param heads attention heads of every attention; must divide the embedding dim
 * @param summaryTokens n_sum, the X summary's tokens and so the CLS tokens
 * @param pmaTokens n_pma, learned seed queries of the sequence summary
 * @param recentTokens K, the most recent sequence tokens in the sequence summary
 * @param ffnMultiplier the self-attention interaction's FFN width in multiples of the embedding dim
 */
public record InterFormerBackbone(
    List<String> inputs,
    String sequence,
    int layers,
    int heads,
    int summaryTokens,
    int pmaTokens,
    int recentTokens,
    int ffnMultiplier,
    InteractionArch interaction,
    SummaryGate gate) implements Backbone {

  public InterFormerBackbone {
    inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
    requireNonNull(sequence, "sequence is null");
    requireNonNull(interaction, "interaction is null");
    requireNonNull(gate, "gate is null");
  }

  /**
   * The paper's token counts (4 CLS, 2 PMA, 2 recent; Appendix B) in a compact form: two layers,
   * two heads, a 2x FFN, self-attention interaction, the self-gate; no sequence. The default of
   * every part a serialized spec leaves out.
   */
  public static InterFormerBackbone paper() {
    return new InterFormerBackbone(List.of(), "", 2, 2, 4, 2, 2, 2, InteractionArch.SELF_ATTENTION, SummaryGate.SELF);
  }

  public boolean hasSequence() {
    return !sequence.isEmpty();
  }

  @Override
  public String pathName() {
    return "interformer";
  }

  @Override
  public int formatVersion() {
    return 2;
  }

  @Override
  public <R> R accept(BackboneVisitor<R> visitor) {
    return visitor.visitInterFormer(this);
  }

  public InterFormerBackbone inputs(List<String> value) {
    return new InterFormerBackbone(value, sequence, layers, heads, summaryTokens, pmaTokens, recentTokens,
        ffnMultiplier, interaction, gate);
  }

  public InterFormerBackbone sequence(String value) {
    return new InterFormerBackbone(inputs, value, layers, heads, summaryTokens, pmaTokens, recentTokens,
        ffnMultiplier, interaction, gate);
  }

  public InterFormerBackbone layers(int value) {
    return new InterFormerBackbone(inputs, sequence, value, heads, summaryTokens, pmaTokens, recentTokens,
        ffnMultiplier, interaction, gate);
  }

  public InterFormerBackbone heads(int value) {
    return new InterFormerBackbone(inputs, sequence, layers, value, summaryTokens, pmaTokens, recentTokens,
        ffnMultiplier, interaction, gate);
  }

  public InterFormerBackbone summaryTokens(int value) {
    return new InterFormerBackbone(inputs, sequence, layers, heads, value, pmaTokens, recentTokens,
        ffnMultiplier, interaction, gate);
  }

  public InterFormerBackbone pmaTokens(int value) {
    return new InterFormerBackbone(inputs, sequence, layers, heads, summaryTokens, value, recentTokens,
        ffnMultiplier, interaction, gate);
  }

  public InterFormerBackbone recentTokens(int value) {
    return new InterFormerBackbone(inputs, sequence, layers, heads, summaryTokens, pmaTokens, value,
        ffnMultiplier, interaction, gate);
  }

  public InterFormerBackbone ffnMultiplier(int value) {
    return new InterFormerBackbone(inputs, sequence, layers, heads, summaryTokens, pmaTokens, recentTokens,
        value, interaction, gate);
  }

  public InterFormerBackbone interaction(InteractionArch value) {
    return new InterFormerBackbone(inputs, sequence, layers, heads, summaryTokens, pmaTokens, recentTokens,
        ffnMultiplier, value, gate);
  }

  public InterFormerBackbone gate(SummaryGate value) {
    return new InterFormerBackbone(inputs, sequence, layers, heads, summaryTokens, pmaTokens, recentTokens,
        ffnMultiplier, interaction, value);
  }
}
