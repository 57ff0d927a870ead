package io.dlf.dsl.compile;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The model's variables by name. The first tower that asks for a name creates the variable; later
 * towers (training and inference share one graph) get the same one back. Names are flat, dotted
 * block paths ({@code dlf.layers_0.high_rank.w}) so checkpoints and exports line up across graphs.
 * A {@link Placement} decides where each variable lives; an embedding table split over parameter
 * servers is one variable per partition ({@code <table>.part_<i>}), each of kind {@link Kind#EMBEDDING}.
 */
public final class Parameters {

  /** What a variable is for: it decides regularization and whether the optimizer updates it. */
  public enum Kind {
    /** Embedding tables: trained, regularized by embedding_l2. */
    EMBEDDING,
    /** Every other trained weight: regularized by net_l2. */
    NET,
    /** Running statistics (batch norm): updated by the forward pass, never by gradients. */
    STATE
  }

  /** One variable with its kind and shape. */
  public record Parameter(String name, Kind kind, Shape shape, Variable<TFloat32> variable) {

    public long size() {
      return shape.size();
    }

    /** The same variable in {@code copy}, a graph imported from this one's GraphDef. */
    Parameter in(Graph copy) {
      return new Parameter(name, kind, shape, new Variable<>(copy.operationOrThrow(variable.op().name())));
    }
  }

  private final Ops root;
  private final long seed;
  private final Placement placement;
  private final Map<String, Parameter> byName = new LinkedHashMap<>();
  private final Map<String, DeviceSpec> devices = new LinkedHashMap<>();
  private final Map<String, EmbeddingTable> tables = new LinkedHashMap<>();

  public Parameters(Ops root, long seed) {
    this(root, seed, Placement.local());
  }

  Parameters(Ops root, long seed, Placement placement) {
    this.root = root;
    this.seed = seed;
    this.placement = placement;
  }

  /** The variable called {@code name} (not an embedding table), created with {@code initializer} if it does not exist yet. */
  public Variable<TFloat32> get(String name, Kind kind, Shape shape, Initializer initializer) {
    if (kind == Kind.EMBEDDING) {
      throw new IllegalArgumentException("embedding table " + name + " is made by table(), which can split it");
    }
    Parameter existing = byName.get(name);
    if (existing != null) {
      requireSame(name, existing.kind(), existing.shape(), kind, shape);
      return existing.variable();
    }
    Ops init = root.withInitScope();
    Operand<TFloat32> value = initializer.create(init, shape, seed, nameSeed(name));
    return add(name, kind, shape, value, placement.variable(shape.size())).variable();
  }

  /**
   * The embedding table called {@code name}, created with {@code initializer} if it does not exist
   * yet: split into the placement's partitions, each initialised with its rows of the one initial
   * value (so a split table starts as the whole one would; that value is computed whole, once).
   */
  EmbeddingTable table(String name, Shape shape, Initializer initializer) {
    EmbeddingTable existing = tables.get(name);
    if (existing != null) {
      requireSame(name, Kind.EMBEDDING, existing.shape(), Kind.EMBEDDING, shape);
      return existing;
    }
    Ops init = root.withInitScope();
    Operand<TFloat32> value = initializer.create(init, shape, seed, nameSeed(name));
    long rows = shape.get(0);
    int count = placement.partitions(rows);
    List<Parameter> partitions = new ArrayList<>();
    List<DeviceSpec> placed = new ArrayList<>();
    if (count == 1) {
      partitions.add(add(name, Kind.EMBEDDING, shape, value, placement.partition(0, shape.size())));
    } else {
      for (int p = 0; p < count; p++) {
        Shape part = Shape.of(EmbeddingTable.partitionRows(rows, count, p), shape.get(1));
        Operand<TFloat32> slice = init.stridedSlice(value, init.constant(new long[] {p, 0}),
            init.constant(new long[] {rows, shape.get(1)}), init.constant(new long[] {count, 1}));
        partitions.add(add(name + ".part_" + p, Kind.EMBEDDING, part, slice, placement.partition(p, part.size())));
      }
    }
    partitions.forEach(p -> placed.add(devices.get(p.name())));
    EmbeddingTable table = new EmbeddingTable(name, shape, partitions, placed);
    tables.put(name, table);
    return table;
  }

  private Parameter add(String name, Kind kind, Shape shape, Operand<TFloat32> value, DeviceSpec device) {
    Variable<TFloat32> variable = root.withDevice(device).withName(name).variable(value);
    Parameter parameter = new Parameter(name, kind, shape, variable);
    byName.put(name, parameter);
    devices.put(name, device);
    return parameter;
  }

  private static void requireSame(String name, Kind kind, Shape shape, Kind askedKind, Shape askedShape) {
    if (!shape.equals(askedShape) || kind != askedKind) {
      throw new IllegalStateException("variable " + name + " exists as " + kind + " " + shape + ", asked for "
          + askedKind + " " + askedShape);
    }
  }

  /** {@code tf} placed with {@code p}: for ops that update it (TensorFlow colocates an op with the variable it writes). */
  Ops colocated(Ops tf, Parameter p) {
    return tf.withDevice(devices.get(p.name()));
  }

  /** {@code tf} placed with {@code variable}, one of this model's (not an embedding table). */
  Ops colocated(Ops tf, Variable<TFloat32> variable) {
    return byName.values().stream().filter(p -> p.variable() == variable).findFirst()
        .map(p -> colocated(tf, p)).orElseThrow(() -> new IllegalArgumentException("not a model variable: " + variable));
  }

  /** A new variable of {@code size} floats that is not the model's (the optimizer's step), placed as the model's are. */
  Ops placeVariable(Ops tf, long size) {
    return tf.withDevice(placement.variable(size));
  }

  /** One of an optimizer's zero-initialised slots of {@code p} beside it, named {@code <p>.<slot>} in {@code tf}'s scope. */
  Variable<TFloat32> slot(Ops tf, Parameter p, String slot) {
    return slot(tf, p, devices.get(p.name()), slot).variable();
  }

  static Parameter slot(Ops tf, Parameter p, DeviceSpec device, String slot) {
    Ops at = tf.withDevice(device);
    String name = p.name() + "." + slot;
    return new Parameter(name, p.kind(), p.shape(),
        at.withName(name).variable(Initializer.zeros().create(at.withInitScope(), p.shape(), 0, 0)));
  }

  /** These variables in {@code copy}, a graph imported from this one's GraphDef (which creates no more). */
  Parameters in(Graph copy) {
    Parameters copied = new Parameters(Ops.create(copy), seed, placement);
    byName.forEach((name, p) -> copied.byName.put(name, p.in(copy)));
    copied.devices.putAll(devices);
    tables.forEach((name, t) -> copied.tables.put(name, new EmbeddingTable(name, t.shape(),
        t.partitions().stream().map(p -> copied.byName.get(p.name())).toList(), t.devices())));
    return copied;
  }

  /** Every embedding table, in creation order. */
  List<EmbeddingTable> tables() {
    return List.copyOf(tables.values());
  }

  /** Every variable the optimizer updates, in creation order. */
  public List<Parameter> trainable() {
    List<Parameter> out = new ArrayList<>();
    for (Parameter p : byName.values()) {
      if (p.kind() != Kind.STATE) {
        out.add(p);
      }
    }
    return out;
  }

  /** The floats every variable holds together. */
  public long floatCount() {
    return byName.values().stream().mapToLong(Parameter::size).sum();
  }

  public List<Parameter> ofKind(Kind kind) {
    return byName.values().stream().filter(p -> p.kind() == kind).toList();
  }

  public long seed() {
    return seed;
  }

  /** A stable per-name seed, so adding a variable does not change the others' initial values. */
  static long nameSeed(String name) {
    long h = 1125899906842597L;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      h = 31 * h + b;
    }
    return h & Long.MAX_VALUE;
  }
}
