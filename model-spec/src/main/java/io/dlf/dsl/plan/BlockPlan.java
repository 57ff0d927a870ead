package io.dlf.dsl.plan;

/**
 * One block of a DLF layer with its resolved token counts.
 *
 * @param alignRawEmbeddings low-rank only: E(1) has a different token count than the input and is
 *     first projected to it (the released code's P_l)
 */
public record BlockPlan(BlockRole role, int inputTokens, int outputTokens, boolean alignRawEmbeddings) {}
