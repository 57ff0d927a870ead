package io.dlf.dsl.compile;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.op.Op;

/**
 * What differs between the training and the inference tower: dropout and batch statistics are
 * active only while training, and training collects the running-statistics updates to run with
 * each step and the embedding lookups that row-wise updates differentiate.
 */
final class TowerState {
  private final boolean training;
  private final float dropout;
  private final long seed;
  private final List<Op> stateUpdates = new ArrayList<>();
  private final List<TableLookup> lookups = new ArrayList<>();
  private long dropoutOps;

  TowerState(boolean training, float dropout, long seed) {
    this.training = training;
    this.dropout = dropout;
    this.seed = seed;
  }

  boolean training() {
    return training;
  }

  float dropout() {
    return dropout;
  }

  long seed() {
    return seed;
  }

  /** A distinct, reproducible seed for each dropout op of the tower. */
  long nextDropoutSeed() {
    return ++dropoutOps;
  }

  void addStateUpdate(Op update) {
    stateUpdates.add(update);
  }

  List<Op> stateUpdates() {
    return List.copyOf(stateUpdates);
  }

  void addLookup(TableLookup lookup) {
    lookups.add(lookup);
  }

  /** Every gather from an embedding table in the tower, in the order they were built. */
  List<TableLookup> lookups() {
    return List.copyOf(lookups);
  }
}
