package io.dlf.dsl.compile;

import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.Regularization;
import io.dlf.dsl.training.EmbeddingUpdates;
import io.dlf.dsl.training.OptimizerSettings;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * A model compiled for training: encoded-input and label placeholders, a training tower whose loss
 * is mean binary cross-entropy plus the spec's L2 terms, Adam with global-norm clipping over every
 * trainable variable (row-wise on the embedding tables unless {@link OptimizerSettings} asks for
 * dense updates: see {@link EmbeddingUpdates}), and an inference tower (no dropout, running batch
 * statistics) for evaluation.
 * Every variable is a ref variable with a flat name, so {@code Session.save} checkpoints the model
 * and the optimizer state, and an inference-only graph can restore the model from it.
 */
public final class TrainingGraph implements AutoCloseable {
  public static final String LEARNING_RATE = "learning_rate";
  public static final String LABELS = "labels";
  static final String STEP = "optimizer.step";

  private final Graph graph;
  private final ModelPlaceholders inputs;
  private final Placeholder<TFloat32> labels;
  private final Placeholder<TFloat32> learningRate;
  private final Operand<TFloat32> logLoss;
  private final Operand<TFloat32> loss;
  private final Operand<TFloat32> probability;
  private final Op trainStep;
  private final Parameters parameters;

  private TrainingGraph(Graph graph, ModelPlaceholders inputs, Placeholder<TFloat32> labels,
      Placeholder<TFloat32> learningRate, Operand<TFloat32> logLoss, Operand<TFloat32> loss,
      Operand<TFloat32> probability, Op trainStep, Parameters parameters) {
    this.graph = graph;
    this.inputs = inputs;
    this.labels = labels;
    this.learningRate = learningRate;
    this.logLoss = logLoss;
    this.loss = loss;
    this.probability = probability;
    this.trainStep = trainStep;
    this.parameters = parameters;
  }

  /**
   * Compiles {@code plan}. Throws {@link GraphCompilationException} if an op between a trainable
   * variable and the loss has no gradient.
   */
  public static TrainingGraph build(ModelPlan plan, FieldLayout layout, long seed, OptimizerSettings optimizer) {
    return build(plan, layout, seed, optimizer, Placement.local());
  }

  /**
   * Compiles {@code plan} for {@code placement}: on a cluster, the graph one worker runs, its compute
   * there and every variable on the parameter servers (embedding tables split by rows).
   */
  public static TrainingGraph build(ModelPlan plan, FieldLayout layout, long seed, OptimizerSettings optimizer,
      Placement placement) {
    Graph graph = new Graph();
    try {
      Ops tf = placement.compute(Ops.create(graph));
      ModelPlaceholders inputs = ModelPlaceholders.create(tf, layout);
      Placeholder<TFloat32> labels = tf.withName(LABELS).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
      Placeholder<TFloat32> learningRate = tf.withName(LEARNING_RATE).placeholder(TFloat32.class,
          Placeholder.shape(Shape.scalar()));
      Parameters params = new Parameters(tf, seed, placement);

      Tower train = Tower.build(tf.withSubScope("train"), params, plan, layout, inputs.asInputs(), true);
      Operand<TFloat32> logLoss = tf.withName("log_loss").identity(binaryCrossEntropy(tf, train.logit(), labels));
      boolean rowWise = optimizer.embeddingUpdates().rowWise(
          layout.tableSizes().values().stream().mapToLong(Integer::longValue).sum());
      // one scope for every optimizer op: the slots' names (optimizer/<variable>.adam_m) are checkpoint keys
      Ops opt = tf.withSubScope("optimizer");
      List<TouchedRows> tables = rowWise
          ? TouchedRows.of(opt, params.tables(), train.lookups())
          : List.of();
      Regularization l2 = plan.spec().regularization();
      Operand<TFloat32> loss = tf.withName("loss").math.add(logLoss, regularization(tf, params, l2, rowWise, tables));
      Tower infer = Tower.build(tf.withSubScope("infer"), params, plan, layout, inputs.asInputs(), false);
      Operand<TFloat32> probability = tf.withName("probability").math.sigmoid(infer.logit());

      List<Parameters.Parameter> trainable = params.trainable();
      GradientCoverage.check(loss, trainable.stream().map(Parameters.Parameter::variable).toList());
      tables.forEach(t -> t.table().variables().forEach(
          partition -> GradientCoverage.checkReadOnlyThrough(loss, partition, t.readers())));
      List<Parameters.Parameter> dense = rowWise ? params.ofKind(Parameters.Kind.NET) : trainable;
      List<Operand<TFloat32>> gradients = gradients(graph, opt, loss, dense, tables, l2.embeddingL2());
      Op trainStep = minimize(opt, params, dense, tables, clip(tf, gradients, optimizer.clipNorm()), learningRate, optimizer,
          train.stateUpdates());
      return new TrainingGraph(graph, inputs, labels, learningRate, logLoss, loss, probability, trainStep, params);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** Mean of {@code max(z, 0) - z y + log(1 + exp(-|z|))}: BCE on logits, stable for any z. */
  static Operand<TFloat32> binaryCrossEntropy(Ops tf, Operand<TFloat32> logit, Operand<TFloat32> labels) {
    Operand<TFloat32> perExample = tf.math.add(
        tf.math.sub(tf.nn.relu(logit), tf.math.mul(logit, labels)),
        tf.math.log1p(tf.math.exp(tf.math.neg(tf.math.abs(logit)))));
    return tf.math.mean(perExample, tf.constant(0));
  }

  /**
   * {@code (l_emb / 2) ||T||^2} over the embedding tables (with row-wise updates: over the rows the
   * batch looks up, once each) plus {@code (l_net / 2) ||W||^2} over the rest.
   */
  private static Operand<TFloat32> regularization(Ops tf, Parameters params, Regularization spec, boolean rowWise,
      List<TouchedRows> tables) {
    Operand<TFloat32> total = tf.constant(0f);
    List<Operand<TFloat32>> embedding = rowWise
        ? tables.stream().map(TouchedRows::values).toList()
        : params.ofKind(Parameters.Kind.EMBEDDING).stream().<Operand<TFloat32>>map(Parameters.Parameter::variable).toList();
    total = addL2(tf, total, embedding, spec.embeddingL2());
    return addL2(tf, total, params.ofKind(Parameters.Kind.NET).stream()
        .<Operand<TFloat32>>map(Parameters.Parameter::variable).toList(), spec.netL2());
  }

  private static Operand<TFloat32> addL2(Ops tf, Operand<TFloat32> total, List<Operand<TFloat32>> values, float lambda) {
    if (lambda == 0f) {
      return total;
    }
    Operand<TFloat32> sum = total;
    for (Operand<TFloat32> value : values) {
      sum = tf.math.add(sum, tf.math.mul(tf.nn.l2Loss(value), tf.constant(lambda)));
    }
    return sum;
  }

  /**
   * The gradient of {@code loss} for each of {@code dense}, then for each table's touched rows (with
   * respect to its lookups' gathered rows, summed per id).
   */
  @SuppressWarnings("unchecked")
  private static List<Operand<TFloat32>> gradients(Graph graph, Ops opt, Operand<TFloat32> loss,
      List<Parameters.Parameter> dense, List<TouchedRows> tables, float embeddingL2) {
    List<Output<?>> sources = new ArrayList<>();
    dense.forEach(p -> sources.add(p.variable().asOutput()));
    tables.forEach(t -> t.lookedUp().forEach(rows -> sources.add(rows.asOutput())));
    List<Output<?>> grads = List.of(graph.addGradients(loss.asOutput(), sources.toArray(Output<?>[]::new)));
    List<Operand<TFloat32>> gradients = new ArrayList<>();
    for (int i = 0; i < dense.size(); i++) {
      gradients.add((Output<TFloat32>) grads.get(i));
    }
    int next = dense.size();
    for (TouchedRows t : tables) {
      int lookups = t.lookedUp().size();
      gradients.add(t.gradient(opt, grads.subList(next, next + lookups), embeddingL2));
      next += lookups;
    }
    return gradients;
  }

  /** Scales every gradient, dense and row-wise alike, so that their global norm is at most {@code clipNorm}. */
  private static List<Operand<TFloat32>> clip(Ops tf, List<Operand<TFloat32>> grads, float clipNorm) {
    if (clipNorm <= 0f) {
      return grads;
    }
    Operand<TFloat32> squares = null;
    for (Operand<TFloat32> g : grads) {
      Operand<TFloat32> s = tf.sum(tf.math.square(g), tf.range(tf.constant(0), tf.rank(g), tf.constant(1)));
      squares = squares == null ? s : tf.math.add(squares, s);
    }
    Operand<TFloat32> norm = tf.withName("gradient_norm").math.sqrt(squares);
    Operand<TFloat32> scale = tf.math.div(tf.constant(clipNorm), tf.math.maximum(norm, tf.constant(clipNorm)));
    List<Operand<TFloat32>> clipped = new ArrayList<>();
    for (Operand<TFloat32> g : grads) {
      clipped.add(tf.math.mul(g, scale));
    }
    return clipped;
  }

  /**
   * One Adam step: ApplyAdam over every dense variable, row-wise Adam over the touched rows of each
   * table in {@code tables} ({@code grads} holds the dense gradients, then the tables'), then the
   * step counter and running statistics. Both keep their moments in {@code <name>.adam_m} and
   * {@code .adam_v}, so a checkpoint restores under either way of updating the tables.
   */
  private static Op minimize(Ops tf, Parameters params, List<Parameters.Parameter> dense, List<TouchedRows> tables,
      List<Operand<TFloat32>> grads, Operand<TFloat32> learningRate, OptimizerSettings settings, List<Op> stateUpdates) {
    Ops init = tf.withInitScope();
    Ops stepAt = params.placeVariable(tf, 1);
    Variable<TFloat32> step = stepAt.withName(STEP).variable(init.constant(0f));
    AdamTerms terms = AdamTerms.of(tf, tf.math.add(step, tf.constant(1f)), learningRate, settings);
    // Every update waits for every gradient: the backward pass reads variables (a MatMul's gradient reads
    // its kernel), and an update that ran early would change what later gradients see.
    Ops gated = tf.withControlDependencyOps(grads.stream().map(Operand::op).toList());
    List<Op> applies = new ArrayList<>();
    for (int i = 0; i < dense.size(); i++) {
      Parameters.Parameter p = dense.get(i);
      applies.add(params.colocated(gated, p).train.applyAdam(p.variable(), params.slot(tf, p, "adam_m"),
          params.slot(tf, p, "adam_v"),
          terms.beta1Power(), terms.beta2Power(), terms.learningRate(), terms.beta1(), terms.beta2(), terms.epsilon(),
          grads.get(i)));
    }
    for (int i = 0; i < tables.size(); i++) {
      TouchedRows t = tables.get(i);
      applies.add(t.adam(gated, t.table().slot(tf, "adam_m"), t.table().slot(tf, "adam_v"),
          grads.get(dense.size() + i), terms));
    }
    Op advance = stepAt.withControlDependencies(applies).assignAdd(step, tf.constant(1f));
    List<Op> all = new ArrayList<>(stateUpdates);
    all.add(advance);
    return tf.withControlDependencies(all).withName("train_step").noOp();
  }

  public Graph graph() {
    return graph;
  }

  public ModelPlaceholders inputs() {
    return inputs;
  }

  public Placeholder<TFloat32> labels() {
    return labels;
  }

  public Placeholder<TFloat32> learningRate() {
    return learningRate;
  }

  /** The mean binary cross-entropy of the batch, before regularization. */
  public Operand<TFloat32> logLoss() {
    return logLoss;
  }

  /** What is minimized: log loss plus the L2 terms. */
  public Operand<TFloat32> loss() {
    return loss;
  }

  /** {@code [B]} click probabilities from the inference tower. */
  public Operand<TFloat32> probability() {
    return probability;
  }

  /** Runs one optimizer step (feed inputs, labels and the learning rate). */
  public Op trainStep() {
    return trainStep;
  }

  public Parameters parameters() {
    return parameters;
  }

  @Override
  public void close() {
    graph.close();
  }
}
