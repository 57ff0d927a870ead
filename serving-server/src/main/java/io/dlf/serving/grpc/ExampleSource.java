package io.dlf.serving.grpc;

import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.spec.Feature;
import java.util.List;

/** A request's examples: their count, known before any decoding, and their values for a version's inputs. */
interface ExampleSource {

  int size();

  /**
   * The examples as raw feature values for {@code inputs}; throws INVALID_ARGUMENT naming each
   * missing, unexpected or mistyped feature. {@code target} names the version in messages.
   */
  RawBatch decode(List<Feature> inputs, String target);
}
