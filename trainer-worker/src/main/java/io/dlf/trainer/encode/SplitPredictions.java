package io.dlf.trainer.encode;

/** Every row's label and predicted probability, in row order. */
public record SplitPredictions(float[] labels, float[] probabilities) {}
