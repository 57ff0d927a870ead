package io.dlf.trainer.training;

import io.dlf.dsl.compile.TrainingGraph;
import org.tensorflow.Session;

/** A training graph and the session that runs its steps: the whole model in one process, or one worker task's copy on a cluster. */
public record Replica(TrainingGraph graph, Session session) implements AutoCloseable {
  @Override
  public void close() {
    try (graph) {
      session.close();
    }
  }
}
