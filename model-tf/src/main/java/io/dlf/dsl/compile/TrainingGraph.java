package io.dlf.dsl.compile;

import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.Regularization;
import io.dlf.dsl.training.EmbeddingUpdates;
import io.dlf.dsl.training.OptimizerSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.NoOp;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A model compiled for training: encoded-input and label placeholders, a training tower whose loss
 * is mean binary cross-entropy plus the spec's L2 terms, Adam with global-norm clipping over every
 * trainable variable (row-wise on the embedding tables unless {@link OptimizerSettings} asks for
 * dense updates: see {@link EmbeddingUpdates}), and an inference tower (no dropout, running batch
 * statistics) for evaluation.
 * Every variable is a ref variable with a flat name, so {@code Session.save} checkpoints the model
 * and the optimizer state, and an inference-only graph can restore the model from it.
 *
 * <p>Synchronous on a cluster ({@link Placement#synchronous}), the graph has a training tower per
 * worker, each fed its own share of the batch: the loss is the batch's mean over all shares, so a
 * step's gradients are those of one process on the whole batch (TensorFlow's in-graph replication).
 * Each tower's backward pass runs on its worker; the gradients are summed, clipped and applied once.
 * With {@link OptimizerSettings#microBatches} above one, each worker's share is split again into
 * towers that run one after another within the step, so a step holds one part's activations at a time.
 */
public final class TrainingGraph implements AutoCloseable {
  public static final String LEARNING_RATE = "learning_rate";
  public static final String LABELS = "labels";
  static final String STEP = "optimizer.step";
  static final String TOWER = "tower_";

  /**
   * What one training tower is fed: its share of the batch's encoded inputs and labels.
   *
   * @param scope the prefix of its placeholders' names: empty for the first tower, {@code tower_k/} for the others
   */
  public record Feed(ModelPlaceholders inputs, Placeholder<TFloat32> labels, String scope) {
    Feed in(Graph copy) {
      return new Feed(inputs.in(copy), new Placeholder<>(copy.operationOrThrow(labels.op().name())), scope);
    }
  }

  private final Graph graph;
  private final List<Feed> feeds;
  private final int towersPerWorker;
  private final Placeholder<TFloat32> learningRate;
  private final Operand<TFloat32> logLoss;
  private final Operand<TFloat32> loss;
  private final Operand<TFloat32> probability;
  private final Op trainStep;
  private final Parameters parameters;

  private TrainingGraph(Graph graph, List<Feed> feeds, int towersPerWorker, Placeholder<TFloat32> learningRate,
      Operand<TFloat32> logLoss, Operand<TFloat32> loss, Operand<TFloat32> probability, Op trainStep,
      Parameters parameters) {
    this.graph = graph;
    this.feeds = List.copyOf(feeds);
    this.towersPerWorker = towersPerWorker;
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
      TrainingGraph built = compile(graph, plan, layout, seed, optimizer, placement);
      if (placement.towers() == 1) {
        return built;
      }
      try (built) {
        return built.withGradientsPlaced(placement);
      }
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  private static TrainingGraph compile(Graph graph, ModelPlan plan, FieldLayout layout, long seed,
      OptimizerSettings optimizer, Placement placement) {
    Ops tf = placement.compute(Ops.create(graph));
    int perWorker = optimizer.microBatches();
    int towers = placement.towers() * perWorker;
    List<Ops> towerOps = new ArrayList<>();
    List<Feed> feeds = new ArrayList<>();
    for (int t = 0; t < towers; t++) {
      Ops at = t == 0 ? tf : placement.tower(Ops.create(graph), t / perWorker).withSubScope(TOWER + t);
      ModelPlaceholders inputs = ModelPlaceholders.create(at, layout);
      Placeholder<TFloat32> labels = at.withName(LABELS).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
      towerOps.add(at);
      feeds.add(new Feed(inputs, labels, t == 0 ? "" : TOWER + t + "/"));
    }
    Placeholder<TFloat32> learningRate = tf.withName(LEARNING_RATE).placeholder(TFloat32.class,
        Placeholder.shape(Shape.scalar()));
    Parameters params = new Parameters(tf, seed, placement);
    boolean rowWise = optimizer.embeddingUpdates().rowWise(
        layout.tableSizes().values().stream().mapToLong(Integer::longValue).sum());
    // one scope for every optimizer op: the slots' names (optimizer/<variable>.adam_m) are checkpoint keys
    Ops opt = tf.withSubScope("optimizer");
    Regularization l2 = plan.spec().regularization();
    // several towers share the batch: each one's cross-entropy summed over its rows, over the batch's rows
    Operand<TFloat32> batchRows = towers == 1 ? null : tf.math.addN(feeds.stream()
        .<Operand<TFloat32>>map(f -> tf.dtypes.cast(tf.size(f.labels()), TFloat32.class)).toList());

    List<Tower> trains = new ArrayList<>();
    List<Operand<TFloat32>> shares = new ArrayList<>();
    TowerGradients gradients = null;
    List<Operand<?>> previous = List.of();
    Operand<TFloat32> logLoss = null;
    Operand<TFloat32> loss = null;
    Operand<TFloat32> probability = null;
    List<TouchedRows> tables = List.of();
    for (int t = 0; t < towers; t++) {
      Ops at = towerOps.get(t);
      EncodedInputs inputs = feeds.get(t).inputs().asInputs();
      // a worker's micro-batches run one after another: each starts once the previous one's gradients are
      // done, so only one part's activations are held at a time
      Tower train = Tower.build(at.withSubScope("train"), params, plan, layout,
          t % perWorker == 0 ? inputs : after(at, previous, inputs), true);
      trains.add(train);
      Operand<TFloat32> share = towers == 1 ? binaryCrossEntropy(tf, train.logit(), feeds.get(0).labels())
          : at.math.div(at.sum(crossEntropies(at, train.logit(), feeds.get(t).labels()), at.constant(0)), batchRows);
      shares.add(share);
      Operand<TFloat32> objective = share;
      if (t == towers - 1) {
        logLoss = tf.withName("log_loss").identity(towers == 1 ? share : tf.math.addN(shares));
        tables = rowWise
            ? TouchedRows.of(opt, params.tables(), trains.stream().flatMap(r -> r.lookups().stream()).toList())
            : List.of();
        Operand<TFloat32> penalty = regularization(tf, params, l2, rowWise, tables);
        loss = tf.withName("loss").math.add(logLoss, penalty);
        // the penalty is differentiated once, with the last tower's share of the loss
        objective = towers == 1 ? loss : tf.math.add(share, penalty);
        Tower infer = Tower.build(tf.withSubScope("infer"), params, plan, layout, feeds.get(0).inputs().asInputs(),
            false);
        probability = tf.withName("probability").math.sigmoid(infer.logit());
        check(loss, params, tables);
      }
      if (gradients == null) {
        gradients = new TowerGradients(graph, towers, rowWise ? params.ofKind(Parameters.Kind.NET) : params.trainable());
      }
      List<Operand<TFloat32>> rows = rowWise ? train.lookups().stream().map(TableLookup::rows).toList() : List.of();
      previous = gradients.add(t, objective, rows);
    }
    List<Parameters.Parameter> dense = rowWise ? params.ofKind(Parameters.Kind.NET) : params.trainable();
    List<Operand<TFloat32>> summed = gradients.sum(opt, tables, l2.embeddingL2());
    // running statistics follow the first tower's part of the batch
    Op trainStep = minimize(opt, params, dense, tables, clip(tf, summed, optimizer.clipNorm()), learningRate, optimizer,
        trains.get(0).stateUpdates());
    return new TrainingGraph(graph, feeds, perWorker, learningRate, logLoss, loss, probability, trainStep, params);
  }

  /** {@code inputs} read only after {@code previous} have been computed. */
  private static EncodedInputs after(Ops tf, List<Operand<?>> previous, EncodedInputs inputs) {
    Ops gated = tf.withControlDependencyOps(previous.stream().map(Operand::op).toList());
    Map<String, Operand<TInt32>> sequences = new LinkedHashMap<>();
    inputs.sequences().forEach((name, ids) -> sequences.put(name, gated.identity(ids)));
    return new EncodedInputs(inputs.categorical() == null ? null : gated.identity(inputs.categorical()),
        inputs.numeric() == null ? null : gated.identity(inputs.numeric()), sequences);
  }

  /**
   * Throws {@link GraphCompilationException} if an op between a trainable variable and {@code loss}
   * has no gradient, or a row-wise table is read other than through its lookups.
   */
  private static void check(Operand<TFloat32> loss, Parameters params, List<TouchedRows> tables) {
    GradientCoverage.check(loss, params.trainable().stream().map(Parameters.Parameter::variable).toList());
    tables.forEach(t -> t.table().variables().forEach(
        partition -> GradientCoverage.checkReadOnlyThrough(loss, partition, t.readers())));
  }

  /** Mean of {@link #crossEntropies}. */
  static Operand<TFloat32> binaryCrossEntropy(Ops tf, Operand<TFloat32> logit, Operand<TFloat32> labels) {
    return tf.math.mean(crossEntropies(tf, logit, labels), tf.constant(0));
  }

  /** {@code max(z, 0) - z y + log(1 + exp(-|z|))} per row: BCE on logits, stable for any z. */
  private static Operand<TFloat32> crossEntropies(Ops tf, Operand<TFloat32> logit, Operand<TFloat32> labels) {
    return tf.math.add(
        tf.math.sub(tf.nn.relu(logit), tf.math.mul(logit, labels)),
        tf.math.log1p(tf.math.exp(tf.math.neg(tf.math.abs(logit)))));
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
   * This graph with every tower's backward pass on its worker: TensorFlow's C API places no gradient
   * op, and a distributed session runs unplaced ops on the worker it talks to, so the graph is copied
   * through its GraphDef with the devices set. Every handle of the copy is the same-named op.
   */
  private TrainingGraph withGradientsPlaced(Placement placement) {
    GraphDef.Builder def = graph.toGraphDef().toBuilder();
    for (NodeDef.Builder node : def.getNodeBuilderList()) {
      // a node colocated with another (with a variable it reads) goes where that one is
      boolean colocated = node.containsAttr("_class");
      for (int t = 0; t < feeds.size() && node.getDevice().isEmpty() && !colocated; t++) {
        if (node.getName().startsWith(TowerGradients.scope(t) + "/")) {
          node.setDevice(placement.towerDevice(t / towersPerWorker));
        }
      }
    }
    Graph copy = new Graph();
    try {
      copy.importGraphDef(def.build());
      return new TrainingGraph(copy, feeds.stream().map(f -> f.in(copy)).toList(), towersPerWorker,
          new Placeholder<>(copy.operationOrThrow(learningRate.op().name())), same(copy, logLoss), same(copy, loss),
          same(copy, probability), new NoOp(copy.operationOrThrow(trainStep.op().name())), parameters.in(copy));
    } catch (RuntimeException e) {
      copy.close();
      throw e;
    }
  }

  private static Operand<TFloat32> same(Graph copy, Operand<TFloat32> operand) {
    Output<TFloat32> output = operand.asOutput();
    return copy.operationOrThrow(output.op().name()).output(output.index());
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

  /** The first training tower's inputs, which evaluation ({@link #probability()}) reads too. */
  public ModelPlaceholders inputs() {
    return feeds.get(0).inputs();
  }

  /** The first training tower's labels. */
  public Placeholder<TFloat32> labels() {
    return feeds.get(0).labels();
  }

  /**
   * One feed per training tower, in the order a batch's consecutive parts go to them: the
   * micro-batches of the first worker, then of the next (one worker but on a synchronous cluster).
   */
  public List<Feed> feeds() {
    return feeds;
  }

  /** How many of {@link #feeds()} run on each worker: the step's micro-batches. */
  public int towersPerWorker() {
    return towersPerWorker;
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
