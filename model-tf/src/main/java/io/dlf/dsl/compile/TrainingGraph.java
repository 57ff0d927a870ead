package io.dlf.dsl.compile;

import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.Regularization;
import io.dlf.dsl.training.EmbeddingUpdates;
import io.dlf.dsl.training.OptimizerSettings;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
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
 */
public final class TrainingGraph implements AutoCloseable {
  public static final String LEARNING_RATE = "learning_rate";
  public static final String LABELS = "labels";
  static final String STEP = "optimizer.step";
  private static final String TOWER = "tower_";

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
  private final Placeholder<TFloat32> learningRate;
  private final Operand<TFloat32> logLoss;
  private final Operand<TFloat32> loss;
  private final Operand<TFloat32> probability;
  private final Op trainStep;
  private final Parameters parameters;

  private TrainingGraph(Graph graph, List<Feed> feeds, Placeholder<TFloat32> learningRate,
      Operand<TFloat32> logLoss, Operand<TFloat32> loss, Operand<TFloat32> probability, Op trainStep,
      Parameters parameters) {
    this.graph = graph;
    this.feeds = List.copyOf(feeds);
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
    List<Ops> towerOps = new ArrayList<>();
    List<Feed> feeds = new ArrayList<>();
    for (int k = 0; k < placement.towers(); k++) {
      Ops at = k == 0 ? tf : placement.tower(Ops.create(graph), k).withSubScope(TOWER + k);
      ModelPlaceholders inputs = ModelPlaceholders.create(at, layout);
      Placeholder<TFloat32> labels = at.withName(LABELS).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
      towerOps.add(at);
      feeds.add(new Feed(inputs, labels, k == 0 ? "" : TOWER + k + "/"));
    }
    Placeholder<TFloat32> learningRate = tf.withName(LEARNING_RATE).placeholder(TFloat32.class,
        Placeholder.shape(Shape.scalar()));
    Parameters params = new Parameters(tf, seed, placement);
    List<Tower> trains = new ArrayList<>();
    for (int k = 0; k < placement.towers(); k++) {
      trains.add(Tower.build(towerOps.get(k).withSubScope("train"), params, plan, layout,
          feeds.get(k).inputs().asInputs(), true));
    }
    List<Operand<TFloat32>> objectives = objectives(graph, tf, placement, trains, feeds);
    Operand<TFloat32> logLoss = tf.withName("log_loss")
        .identity(objectives.size() == 1 ? objectives.get(0) : tf.math.addN(objectives));
    boolean rowWise = optimizer.embeddingUpdates().rowWise(
        layout.tableSizes().values().stream().mapToLong(Integer::longValue).sum());
    // one scope for every optimizer op: the slots' names (optimizer/<variable>.adam_m) are checkpoint keys
    Ops opt = tf.withSubScope("optimizer");
    List<TableLookup> lookups = trains.stream().flatMap(t -> t.lookups().stream()).toList();
    List<TouchedRows> tables = rowWise ? TouchedRows.of(opt, params.tables(), lookups) : List.of();
    Regularization l2 = plan.spec().regularization();
    Operand<TFloat32> penalty = regularization(tf, params, l2, rowWise, tables);
    Operand<TFloat32> loss = tf.withName("loss").math.add(logLoss, penalty);
    // the penalty is differentiated once, with the first tower's share of the loss
    objectives.set(0, objectives.size() == 1 ? loss : tf.math.add(objectives.get(0), penalty));
    Tower infer = Tower.build(tf.withSubScope("infer"), params, plan, layout, feeds.get(0).inputs().asInputs(), false);
    Operand<TFloat32> probability = tf.withName("probability").math.sigmoid(infer.logit());

    List<Parameters.Parameter> trainable = params.trainable();
    GradientCoverage.check(loss, trainable.stream().map(Parameters.Parameter::variable).toList());
    tables.forEach(t -> t.table().variables().forEach(
        partition -> GradientCoverage.checkReadOnlyThrough(loss, partition, t.readers())));
    List<Parameters.Parameter> dense = rowWise ? params.ofKind(Parameters.Kind.NET) : trainable;
    List<Operand<TFloat32>> gradients = gradients(graph, opt, objectives, trains, dense, tables, l2.embeddingL2());
    // running statistics follow the first tower's share of the batch
    Op trainStep = minimize(opt, params, dense, tables, clip(tf, gradients, optimizer.clipNorm()), learningRate, optimizer,
        trains.get(0).stateUpdates());
    return new TrainingGraph(graph, feeds, learningRate, logLoss, loss, probability, trainStep, params);
  }

  /**
   * What each tower's backward pass differentiates: in one tower the batch's mean cross-entropy;
   * with several, each tower's summed cross-entropy over the rows of the whole batch, so that they
   * add up to the batch's mean however its rows are shared (a share may be empty).
   */
  private static List<Operand<TFloat32>> objectives(Graph graph, Ops tf, Placement placement, List<Tower> trains,
      List<Feed> feeds) {
    if (trains.size() == 1) {
      return new ArrayList<>(List.of(binaryCrossEntropy(tf, trains.get(0).logit(), feeds.get(0).labels())));
    }
    List<Operand<TFloat32>> rows = feeds.stream()
        .<Operand<TFloat32>>map(f -> tf.dtypes.cast(tf.size(f.labels()), TFloat32.class)).toList();
    Operand<TFloat32> batchRows = tf.math.addN(rows);
    List<Operand<TFloat32>> objectives = new ArrayList<>();
    for (int k = 0; k < trains.size(); k++) {
      Ops at = placement.tower(Ops.create(graph), k);
      Operand<TFloat32> sum = at.sum(crossEntropies(at, trains.get(k).logit(), feeds.get(k).labels()), at.constant(0));
      objectives.add(at.math.div(sum, batchRows));
    }
    return objectives;
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
   * The gradient of the objectives' sum for each of {@code dense}, then for each table's touched rows
   * (with respect to its lookups' gathered rows, summed per id). Each tower's objective is
   * differentiated on its own, under the name scope {@link #gradientScope} (one tower: TensorFlow's
   * default), so that its backward pass can be placed on its worker; the towers' gradients are summed.
   */
  @SuppressWarnings("unchecked")
  private static List<Operand<TFloat32>> gradients(Graph graph, Ops opt, List<Operand<TFloat32>> objectives,
      List<Tower> trains, List<Parameters.Parameter> dense, List<TouchedRows> tables, float embeddingL2) {
    Set<EmbeddingTable> rowWise = tables.stream().map(TouchedRows::table).collect(Collectors.toSet());
    List<List<Operand<TFloat32>>> denseParts = new ArrayList<>();
    dense.forEach(p -> denseParts.add(new ArrayList<>()));
    Map<Operand<TFloat32>, Output<?>> rowGradients = new IdentityHashMap<>();
    for (int k = 0; k < trains.size(); k++) {
      List<Operand<TFloat32>> rows = trains.get(k).lookups().stream().filter(l -> rowWise.contains(l.table()))
          .map(TableLookup::rows).toList();
      List<Output<?>> sources = new ArrayList<>();
      dense.forEach(p -> sources.add(p.variable().asOutput()));
      rows.forEach(r -> sources.add(r.asOutput()));
      Output<?>[] grads = graph.addGradients(trains.size() == 1 ? null : gradientScope(k),
          new Output<?>[] {objectives.get(k).asOutput()}, sources.toArray(Output<?>[]::new), null);
      for (int i = 0; i < dense.size(); i++) {
        denseParts.get(i).add((Output<TFloat32>) grads[i]);
      }
      for (int i = 0; i < rows.size(); i++) {
        rowGradients.put(rows.get(i), grads[dense.size() + i]);
      }
    }
    List<Operand<TFloat32>> gradients = new ArrayList<>();
    denseParts.forEach(parts -> gradients.add(parts.size() == 1 ? parts.get(0) : opt.math.addN(parts)));
    for (TouchedRows t : tables) {
      gradients.add(t.gradient(opt, t.lookedUp().stream().<Output<?>>map(rowGradients::get).toList(), embeddingL2));
    }
    return gradients;
  }

  /** The name scope of tower {@code tower}'s backward pass. */
  private static String gradientScope(int tower) {
    return TOWER + tower + "_gradients";
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
      for (int k = 0; k < placement.towers() && node.getDevice().isEmpty() && !colocated; k++) {
        if (node.getName().startsWith(gradientScope(k) + "/")) {
          node.setDevice(placement.towerDevice(k));
        }
      }
    }
    Graph copy = new Graph();
    try {
      copy.importGraphDef(def.build());
      return new TrainingGraph(copy, feeds.stream().map(f -> f.in(copy)).toList(),
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

  /** One feed per training tower: one, or one per worker of a synchronous cluster. */
  public List<Feed> feeds() {
    return feeds;
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
