package io.dlf.dsl.compile;

import io.dlf.dsl.encode.TableIds;
import io.dlf.dsl.encode.Vocabularies;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.Feature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;

/**
 * The inference-only graph of an exported model. Its default signature takes raw feature values
 * (one input per feature, named like it: strings for categorical features, floats for numeric
 * ones with NaN as missing, {@code [B, max_length]} strings for sequences, "" as padding), encodes
 * them as the trainer does (vocabularies baked in as constants, hashed features by their buckets,
 * bucketized numbers by their category tokens), and returns the click probability. A second
 * signature, {@value #ENCODED_SIGNATURE}, takes the encoded ids and values, as a trainer feeds them.
 * Variables carry the training graph's names, so a training checkpoint restores into this graph.
 */
public final class ServingGraph implements AutoCloseable {
  public static final String RAW_SIGNATURE = Signature.DEFAULT_KEY;
  public static final String ENCODED_SIGNATURE = "encoded";
  public static final String PROBABILITY = "probability";
  private static final String METHOD = "tensorflow/serving/predict";

  private final Graph graph;
  private final Signature raw;
  private final Signature encoded;
  private final long variableBytes;

  private ServingGraph(Graph graph, Signature raw, Signature encoded, long variableBytes) {
    this.graph = graph;
    this.raw = raw;
    this.encoded = encoded;
    this.variableBytes = variableBytes;
  }

  public static ServingGraph build(ModelPlan plan, Vocabularies vocabularies, long seed) {
    FieldLayout layout = FieldLayout.of(plan, vocabularies.sizes());
    Graph graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      Ops in = tf.withSubScope("input");
      Signature.Builder raw = Signature.builder().key(RAW_SIGNATURE).methodName(METHOD);
      Signature.Builder encoded = Signature.builder().key(ENCODED_SIGNATURE).methodName(METHOD);
      RawEncoder encoder = new RawEncoder(tf, TableIds.of(plan, vocabularies));

      Operand<TInt32> categorical = null;
      if (!layout.categorical().isEmpty()) {
        List<Operand<TString>> tokens = new ArrayList<>();
        for (Feature f : layout.categorical()) {
          if (f.isBucketized()) {
            Placeholder<TFloat32> value = in.withName(f.name()).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
            raw.input(f.name(), value);
            tokens.add(NumericBucketOps.criteoTokens(tf, value));
          } else {
            Placeholder<TString> value = in.withName(f.name()).placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
            raw.input(f.name(), value);
            tokens.add(value);
          }
        }
        categorical = tf.withName(ModelPlaceholders.CATEGORICAL).identity(
            encoder.categorical(layout.categorical(), tokens));
        encoded.input(ModelPlaceholders.CATEGORICAL, categorical);
      }
      Operand<TFloat32> numeric = null;
      if (!layout.numeric().isEmpty()) {
        List<Operand<TFloat32>> values = new ArrayList<>();
        for (Feature f : layout.numeric()) {
          Placeholder<TFloat32> value = in.withName(f.name()).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
          raw.input(f.name(), value);
          values.add(value);
        }
        numeric = tf.withName(ModelPlaceholders.NUMERIC).stack(values, org.tensorflow.op.core.Stack.axis(1L));
        encoded.input(ModelPlaceholders.NUMERIC, numeric);
      }
      Map<String, Operand<TInt32>> sequences = new LinkedHashMap<>();
      for (Feature f : layout.sequences()) {
        Placeholder<TString> value = in.withName(f.name())
            .placeholder(TString.class, Placeholder.shape(Shape.of(-1, f.maxLength())));
        raw.input(f.name(), value);
        Operand<TInt32> ids = tf.withName(ModelPlaceholders.SEQUENCE_PREFIX + f.name())
            .identity(encoder.sequence(f, value));
        encoded.input(ModelPlaceholders.SEQUENCE_PREFIX + f.name(), ids);
        sequences.put(f.name(), ids);
      }

      Parameters params = new Parameters(tf, seed);
      Tower tower = Tower.build(tf.withSubScope("infer"), params, plan, layout,
          new EncodedInputs(categorical, numeric, sequences), false);
      Operand<TFloat32> probability = tf.withName(PROBABILITY).math.sigmoid(tower.logit());
      raw.output(PROBABILITY, probability);
      encoded.output(PROBABILITY, probability);
      return new ServingGraph(graph, raw.build(), encoded.build(), params.floatCount() * Float.BYTES);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  public Graph graph() {
    return graph;
  }

  /** What the graph's variables hold, in bytes: what a checkpoint of them takes, less its index. */
  public long variableBytes() {
    return variableBytes;
  }

  /** Raw feature values in, probability out. */
  public Signature rawSignature() {
    return raw;
  }

  /** Encoded ids and values in (see {@link ModelPlaceholders}), probability out. */
  public Signature encodedSignature() {
    return encoded;
  }

  @Override
  public void close() {
    graph.close();
  }
}
