package io.dlf.dsl.compile;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A sequence field as tokens rather than pooled: the oldest-first window, padding at the end.
 *
 * @param tokens {@code [B, T, D]}, zero at padded positions
 * @param mask {@code [B, T]}, 1 for a real token and 0 for padding
 */
record SequenceTokens(Operand<TFloat32> tokens, Operand<TFloat32> mask) {}
