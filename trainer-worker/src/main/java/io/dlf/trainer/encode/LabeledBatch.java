package io.dlf.trainer.encode;

import io.dlf.dsl.encode.EncodedBatch;

/** A batch's inputs and its rows' labels. */
public record LabeledBatch(EncodedBatch inputs, float[] labels) {}
