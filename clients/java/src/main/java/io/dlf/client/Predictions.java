package io.dlf.client;

import java.util.List;

/** The click probabilities of a batch, in request order, and the model version that computed them. */
public record Predictions(String model, long version, List<Float> probabilities) {

  public Predictions {
    probabilities = List.copyOf(probabilities);
  }
}
