package io.dlf.bench;

import io.dlf.dsl.compile.BatchTensors;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.compile.TrainingGraph;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.training.OptimizerSettings;
import io.dlf.trainer.encode.BatchStream;
import io.dlf.trainer.encode.LabeledBatch;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.encode.SplitPredictions;
import io.dlf.trainer.training.Metrics;
import io.dlf.trainer.training.Trainer;
import java.util.OptionalDouble;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;

/**
 * Trains a model from a fresh graph for {@code warmup} untimed and {@code steps} timed steps of a
 * round's first epoch (the default optimizer: row-wise Adam on the embedding tables) and times them;
 * a step's time includes waiting for its batch.
 */
record FixedSteps(int warmup, int steps, int batch, int threads) {

  /** Samples per second over the timed steps, and the validation AUC after them when asked for. */
  record Timed(double samplesPerSecond, OptionalDouble validationAuc) {}

  Timed run(ModelSpec spec, PreparedData data, int round, boolean validate) {
    double seconds = 0;
    long samples = 0;
    try (TrainingGraph graph = TrainingGraph.build(ModelPlan.of(spec), data.layout(), 2019L,
            OptimizerSettings.defaults());
        Session session = new Session(graph.graph(), SessionConfigs.threads(threads, threads));
        TFloat32 rate = TFloat32.scalarOf(1e-3f);
        BatchStream batches = data.train().epoch(round, 1, batch, 0)) {
      session.initialize();
      for (int step = 0; step < warmup + steps; step++) {
        long start = System.nanoTime();
        LabeledBatch next = batches.next();
        try (BatchTensors inputs = new BatchTensors(data.layout(), next.inputs());
            TFloat32 labels = TFloat32.vectorOf(next.labels())) {
          inputs.feedByName(session.runner()).feed(graph.labels(), labels)
              .feed(graph.learningRate(), rate).addTarget(graph.trainStep()).fetch(graph.logLoss()).run().close();
          if (step >= warmup) {
            seconds += (System.nanoTime() - start) / 1e9;
            samples += next.labels().length;
          }
        }
      }
      return new Timed(samples / seconds, validate ? OptionalDouble.of(validationAuc(session, graph, data))
          : OptionalDouble.empty());
    }
  }

  private static double validationAuc(Session session, TrainingGraph graph, PreparedData data) {
    SplitPredictions validation = Trainer.predict(session, graph, data, data.validation(), 8192);
    return Metrics.evaluate(validation.labels(), validation.probabilities()).getAuc();
  }
}
