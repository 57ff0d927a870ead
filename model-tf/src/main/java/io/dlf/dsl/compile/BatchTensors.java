package io.dlf.dsl.compile;

import io.dlf.dsl.encode.EncodedBatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The tensors of one {@link EncodedBatch}, keyed by the encoded input names of
 * {@link ModelPlaceholders}. Tensors live off-heap: close this after the run.
 */
public final class BatchTensors implements AutoCloseable {
  private final Map<String, Tensor> tensors = new LinkedHashMap<>();

  public BatchTensors(FieldLayout layout, EncodedBatch batch) {
    List<Tensor> created = new ArrayList<>();
    try {
      if (!layout.categorical().isEmpty()) {
        put(ModelPlaceholders.CATEGORICAL, TInt32.tensorOf(Shape.of(batch.size(), layout.categorical().size()),
            DataBuffers.of(batch.categorical(), true, false)), created);
      }
      if (!layout.numeric().isEmpty()) {
        put(ModelPlaceholders.NUMERIC, TFloat32.tensorOf(Shape.of(batch.size(), layout.numeric().size()),
            DataBuffers.of(batch.numeric(), true, false)), created);
      }
      layout.sequences().forEach(f -> put(ModelPlaceholders.SEQUENCE_PREFIX + f.name(),
          TInt32.tensorOf(Shape.of(batch.size(), f.maxLength()), DataBuffers.of(batch.sequences().get(f.name()), true, false)),
          created));
    } catch (RuntimeException e) {
      created.forEach(Tensor::close);
      throw e;
    }
  }

  private void put(String name, Tensor tensor, List<Tensor> created) {
    created.add(tensor);
    tensors.put(name, tensor);
  }

  /** Feeds every tensor to the graph op of the same name (a training graph's placeholders). */
  public Session.Runner feedByName(Session.Runner runner) {
    return feedByName(runner, "");
  }

  /** Feeds every tensor to the graph op named {@code scope} and its name (a training tower's placeholders). */
  public Session.Runner feedByName(Session.Runner runner, String scope) {
    tensors.forEach((name, tensor) -> runner.feed(scope + name, tensor));
    return runner;
  }

  /** Feeds every tensor under the tensor name a signature maps its input name to. */
  public Session.Runner feed(Session.Runner runner, Map<String, String> tensorNames) {
    tensors.forEach((name, tensor) -> runner.feed(tensorNames.get(name), tensor));
    return runner;
  }

  @Override
  public void close() {
    tensors.values().forEach(Tensor::close);
  }
}
