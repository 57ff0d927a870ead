package io.dlf.trainer.training;

import io.dlf.dsl.compile.FieldLayout;
import io.dlf.dsl.compile.TrainingGraph;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.training.OptimizerSettings;
import java.util.List;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;

/**
 * Where a run's training steps go: one replica per worker, sharing the model's variables. The first
 * is the chief's: it initialises or restores the variables, saves checkpoints and evaluates.
 */
@FunctionalInterface
public interface Replicas {

  /** Opens the replicas for a model compiled with these arguments; {@code config} is the trainer's session settings. */
  List<Replica> open(ModelPlan plan, FieldLayout layout, long seed, OptimizerSettings optimizer, ConfigProto config);

  /** The whole model in this process: one replica. */
  Replicas IN_PROCESS = (plan, layout, seed, optimizer, config) -> {
    TrainingGraph graph = TrainingGraph.build(plan, layout, seed, optimizer);
    try {
      return List.of(new Replica(graph, new Session(graph.graph(), config)));
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  };
}
