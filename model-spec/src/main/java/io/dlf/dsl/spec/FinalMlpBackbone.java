package io.dlf.dsl.spec;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * FinalMLP (Mao et al., AAAI 2023): two MLP streams over the flattened field embeddings x, each
 * reading its own gated copy {@code x_i = x * 2 sigmoid(FS_i(c_i))}, where {@code FS_i} is the
 * {@code featureSelection} MLP with a linear output of width F x D and {@code c_i} the stream's
 * context ({@link FinalMlpStream#fsContext()}). Multi-head bilinear fusion joins the streams'
 * outputs o1 and o2, each split into {@code heads} equal parts:
 * {@code logit = sum_h (w1_h o1_h + w2_h o2_h + o1_h^T W3_h o2_h) + b}. The fusion is the
 * model's output, so the head (which must be linear) adds only the global bias b.
 *
 * <p>A stream without context features gates with a learned vector of width D, initialised like an
 * embedding row rather than at zero: the feature-selection MLP's biases start at zero, so a zero
 * input would leave its ReLU layers without gradient. The model's dropout is not read; each stream
 * sets its own.
 *
 * <p>The gates' context embeddings are the field embeddings the streams read, or, with
 * {@code separateContextEmbeddings}, rows of their own: each stream looks its context features up in
 * a table of its own (regularized by embedding_l2 like the field embeddings), as FuxiCTR's FinalMLP
 * does. Those features must then be encoded as one id each (categorical or bucketized numeric).
 *
 * @param inputs features stacked into the field embeddings, in order; empty means every declared feature
 * @param stream1 the first stream (its gate's context and MLP)
 * @param stream2 the second stream
 * @param featureSelection the hidden layers of each stream's feature-selection MLP
 * @param heads fusion heads; they must divide both streams' output widths
 * @param separateContextEmbeddings whether each stream's gate looks its context up in a table of its own
 */
public record FinalMlpBackbone(List<String> inputs, FinalMlpStream stream1, FinalMlpStream stream2,
    Mlp featureSelection, int heads, boolean separateContextEmbeddings) implements Backbone {

  /** The first spec format that has {@code separate_context_embeddings}. */
  static final int SEPARATE_CONTEXT_FORMAT = 4;

  public FinalMlpBackbone {
    inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
    requireNonNull(stream1, "stream1 is null");
    requireNonNull(stream2, "stream2 is null");
    requireNonNull(featureSelection, "featureSelection is null");
  }

  /**
   * BARS's winning Frappe sizes (dlf-model-reference §12.2): MLPs [400] and [100] with batch norm
   * and dropout 0.4, feature selection [400] with ReLU and without batch norm, 5 heads. The contexts
   * name dataset features, so they are left empty here (the {@code finalmlp} preset sets Frappe's
   * user and item, with separate context embeddings). The default of every part a serialized spec
   * leaves out: shared context embeddings, the form of the specs written before the choice existed.
   */
  public static FinalMlpBackbone bars() {
    return new FinalMlpBackbone(List.of(), FinalMlpStream.of(Mlp.of(400), 0.4f), FinalMlpStream.of(Mlp.of(100), 0.4f),
        Mlp.of(400).batchNorm(false), 5, false);
  }

  /** The block path of stream {@code index} (0 or 1): {@code finalmlp.stream1} or {@code finalmlp.stream2}. */
  public static String streamPath(int index) {
    return "finalmlp.stream" + (index + 1);
  }

  /** Both streams, in order. */
  public List<FinalMlpStream> streams() {
    return List.of(stream1, stream2);
  }

  @Override
  public String pathName() {
    return "finalmlp";
  }

  @Override
  public int formatVersion() {
    return separateContextEmbeddings ? SEPARATE_CONTEXT_FORMAT : 2;
  }

  @Override
  public <R> R accept(BackboneVisitor<R> visitor) {
    return visitor.visitFinalMlp(this);
  }

  public FinalMlpBackbone inputs(List<String> value) {
    return new FinalMlpBackbone(value, stream1, stream2, featureSelection, heads, separateContextEmbeddings);
  }

  public FinalMlpBackbone stream1(FinalMlpStream value) {
    return new FinalMlpBackbone(inputs, value, stream2, featureSelection, heads, separateContextEmbeddings);
  }

  public FinalMlpBackbone stream2(FinalMlpStream value) {
    return new FinalMlpBackbone(inputs, stream1, value, featureSelection, heads, separateContextEmbeddings);
  }

  public FinalMlpBackbone featureSelection(Mlp value) {
    return new FinalMlpBackbone(inputs, stream1, stream2, value, heads, separateContextEmbeddings);
  }

  public FinalMlpBackbone heads(int value) {
    return new FinalMlpBackbone(inputs, stream1, stream2, featureSelection, value, separateContextEmbeddings);
  }

  public FinalMlpBackbone separateContextEmbeddings(boolean value) {
    return new FinalMlpBackbone(inputs, stream1, stream2, featureSelection, heads, value);
  }
}
