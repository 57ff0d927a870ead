package io.dlf.dsl.compile;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The model's variables by name. The first tower that asks for a name creates the variable; later
 * towers (training and inference share one graph) get the same one back. Names are flat, dotted
 * block paths ({@code dlf.layers_0.high_rank.w}) so checkpoints and exports line up across graphs.
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
  }

  private final Ops root;
  private final long seed;
  private final Map<String, Parameter> byName = new LinkedHashMap<>();

  public Parameters(Ops root, long seed) {
    this.root = root;
    this.seed = seed;
  }

  /** The variable called {@code name}, created with {@code initializer} if it does not exist yet. */
  public Variable<TFloat32> get(String name, Kind kind, Shape shape, Initializer initializer) {
    Parameter existing = byName.get(name);
    if (existing != null) {
      if (!existing.shape().equals(shape) || existing.kind() != kind) {
        throw new IllegalStateException("variable " + name + " exists as " + existing.kind() + " "
            + existing.shape() + ", asked for " + kind + " " + shape);
      }
      return existing.variable();
    }
    Ops init = root.withInitScope();
    Operand<TFloat32> value = initializer.create(init, shape, seed, nameSeed(name));
    Variable<TFloat32> variable = root.withName(name).variable(value);
    byName.put(name, new Parameter(name, kind, shape, variable));
    return variable;
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
