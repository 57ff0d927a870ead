package io.dlf.serving.grpc;

import com.google.protobuf.ByteString;
import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.encode.RawColumnSource;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.FeatureKind;
import io.dlf.proto.inference.InferTensorContents;
import io.dlf.proto.inference.ModelInferRequest;
import io.dlf.proto.inference.ModelInferRequest.InferInputTensor;
import io.dlf.proto.inference.ModelInferResponse;
import io.dlf.proto.inference.ModelInferResponse.InferOutputTensor;
import io.dlf.serving.ServingException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The KServe v2 tensors of a model: one input per feature, named like it (BYTES [B] categorical,
 * FP32 [B] numeric with NaN as missing, BYTES [B, L] sequences with "" as padding; [B, 1] is
 * accepted for the first two, as Triton clients often send it), and one output, FP32 [B]
 * {@value #OUTPUT}. Tensor elements come either in {@code contents} or in
 * {@code raw_input_contents}; the response answers in the same form.
 */
final class InferenceTensors implements ExampleSource {
  static final String OUTPUT = "probability";
  static final String BYTES = "BYTES";
  static final String FP32 = "FP32";

  private final ModelInferRequest request;

  InferenceTensors(ModelInferRequest request) {
    this.request = request;
  }

  /** Checks what does not depend on the model: the requested outputs and the raw contents' count. */
  private void checkRequest() {
    for (ModelInferRequest.InferRequestedOutputTensor output : request.getOutputsList()) {
      if (!output.getName().equals(OUTPUT)) {
        throw ServingException.invalid("outputs", "the model has one output, '" + OUTPUT + "', not '"
            + output.getName() + "'");
      }
    }
    if (raw() && request.getRawInputContentsCount() != request.getInputsCount()) {
      throw ServingException.invalid("raw_input_contents", "has " + request.getRawInputContentsCount()
          + " entries for " + request.getInputsCount() + " inputs; send one per input, in the order of inputs");
    }
  }

  /** The datatype a feature's tensor has. */
  static String datatype(Feature feature) {
    return feature.kind() == FeatureKind.NUMERIC ? FP32 : BYTES;
  }

  /** The shape of a feature's tensor, -1 for any size. */
  static List<Long> shape(Feature feature) {
    return feature.kind() == FeatureKind.SEQUENCE ? List.of(-1L, (long) feature.maxLength()) : List.of(-1L);
  }

  private boolean raw() {
    return request.getRawInputContentsCount() > 0;
  }

  @Override
  public int size() {
    return request.getInputsCount() == 0 || request.getInputs(0).getShapeCount() == 0 ? 0
        : (int) Math.min(Integer.MAX_VALUE, Math.max(0, request.getInputs(0).getShape(0)));
  }

  @Override
  public RawBatch decode(List<Feature> inputs, String target) {
    checkRequest();
    Map<String, Integer> positions = new HashMap<>();
    for (int i = 0; i < request.getInputsCount(); i++) {
      if (positions.put(request.getInputs(i).getName(), i) != null) {
        throw ServingException.invalid("inputs[" + request.getInputs(i).getName() + "]", "input '"
            + request.getInputs(i).getName() + "' is given twice");
      }
    }
    InputNames.check(positions.keySet(), inputs, "the input tensors", target, name -> "inputs[" + name + "]");
    int n = size();
    return RawBatch.of(inputs, n, new RawColumnSource() {
      @Override
      public String[] categorical(Feature feature) {
        return strings(input(feature, positions, n));
      }

      @Override
      public float[] numeric(Feature feature) {
        return floats(input(feature, positions, n));
      }

      @Override
      public String[][] sequence(Feature feature) {
        Input input = input(feature, positions, n);
        return rows(strings(input), n, input.width());
      }
    });
  }

  /**
   * One feature's tensor, its position in the request and its elements per example.
   *
   * @param field the request field that holds it, for messages
   */
  private record Input(InferInputTensor tensor, int position, int width, int count, String field) {}

  /** The feature's tensor, its datatype and shape checked against the feature's kind and {@code n} examples. */
  private Input input(Feature f, Map<String, Integer> positions, int n) {
    int position = positions.get(f.name());
    InferInputTensor tensor = request.getInputs(position);
    String field = "inputs[" + f.name() + "]";
    if (!tensor.getDatatype().equals(datatype(f))) {
      throw ServingException.invalid(field + ".datatype", "input '" + f.name() + "' is a " + InputNames.kind(f)
          + " feature: its datatype is " + datatype(f) + ", not " + tensor.getDatatype());
    }
    int width = width(f, tensor, n, field);
    long count = (long) n * width;
    // 4 bytes per element at least (a float, or a raw BYTES length): more than this no message holds
    if (count > Integer.MAX_VALUE / 4) {
      throw ServingException.invalid(field + ".shape", "input '" + f.name() + "' has shape " + tensor.getShapeList()
          + ", " + count + " elements; a request holds at most " + Integer.MAX_VALUE / 4);
    }
    return new Input(tensor, position, width, (int) count, field);
  }

  /** Elements per example; checks the tensor's shape against the batch size and the feature's kind. */
  private static int width(Feature f, InferInputTensor tensor, int n, String field) {
    List<Long> shape = tensor.getShapeList();
    String expected = f.kind() == FeatureKind.SEQUENCE ? "[" + n + ", L]" : "[" + n + "] or [" + n + ", 1]";
    boolean fits = !shape.isEmpty() && shape.get(0) == n && switch (f.kind()) {
      case SEQUENCE -> shape.size() == 2 && shape.get(1) >= 0 && shape.get(1) <= 1 << 16;
      default -> shape.size() == 1 || shape.size() == 2 && shape.get(1) == 1;
    };
    if (!fits) {
      throw ServingException.invalid(field + ".shape", "input '" + f.name() + "' has shape " + shape
          + "; a " + InputNames.kind(f) + " feature with " + n + " examples needs " + expected);
    }
    return shape.size() == 2 ? shape.get(1).intValue() : 1;
  }

  private String[] strings(Input input) {
    if (raw()) {
      return rawStrings(request.getRawInputContents(input.position()), input.count(), input.field());
    }
    InferTensorContents contents = input.tensor().getContents();
    checkCount(contents.getBytesContentsCount(), input.count(), input.field() + ".contents.bytes_contents");
    String[] values = new String[input.count()];
    for (int i = 0; i < values.length; i++) {
      values[i] = contents.getBytesContents(i).toStringUtf8();
    }
    return values;
  }

  private float[] floats(Input input) {
    if (raw()) {
      ByteString bytes = request.getRawInputContents(input.position());
      checkCount(bytes.size(), 4 * input.count(), "raw_input_contents for " + input.field() + " (bytes)");
      return RawTensors.floats(bytes);
    }
    InferTensorContents contents = input.tensor().getContents();
    checkCount(contents.getFp32ContentsCount(), input.count(), input.field() + ".contents.fp32_contents");
    float[] values = new float[input.count()];
    for (int i = 0; i < values.length; i++) {
      values[i] = contents.getFp32Contents(i);
    }
    return values;
  }

  /** BYTES elements in raw form: each a 4-byte little-endian length, then that many bytes. */
  private static String[] rawStrings(ByteString bytes, int count, String field) {
    if (bytes.size() < 4L * count) {
      throw ServingException.invalid("raw_input_contents for " + field, "has " + bytes.size() + " bytes, too few for the "
          + count + " BYTES elements the shape needs (4 bytes of length each at least)");
    }
    ByteBuffer buffer = bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    String[] values = new String[count];
    for (int i = 0; i < count; i++) {
      if (buffer.remaining() < 4) {
        throw ServingException.invalid("raw_input_contents for " + field, "holds " + i + " BYTES elements; the shape needs "
            + count);
      }
      int length = buffer.getInt();
      if (length < 0 || length > buffer.remaining()) {
        throw ServingException.invalid("raw_input_contents for " + field, "element " + i + " claims " + length
            + " bytes but " + buffer.remaining() + " are left");
      }
      byte[] value = new byte[length];
      buffer.get(value);
      values[i] = new String(value, StandardCharsets.UTF_8);
    }
    if (buffer.hasRemaining()) {
      throw ServingException.invalid("raw_input_contents for " + field, buffer.remaining()
          + " bytes are left after the " + count + " elements the shape needs");
    }
    return values;
  }

  private static void checkCount(int actual, int expected, String field) {
    if (actual != expected) {
      throw ServingException.invalid(field, "has " + actual + " elements; the shape needs " + expected);
    }
  }

  /** [n, width] tokens, row-major, into one token list per example ("" padding is dropped by {@link RawBatch#of}). */
  private static String[][] rows(String[] tokens, int n, int width) {
    String[][] rows = new String[n][];
    for (int r = 0; r < n; r++) {
      rows[r] = Arrays.copyOfRange(tokens, r * width, (r + 1) * width);
    }
    return rows;
  }

  /** The response: the output in the form the request used (raw or contents). */
  ModelInferResponse respond(String model, long version, float[] probabilities) {
    ModelInferResponse.Builder response = ModelInferResponse.newBuilder()
        .setModelName(model)
        .setModelVersion(Long.toString(version))
        .setId(request.getId());
    InferOutputTensor.Builder output = InferOutputTensor.newBuilder()
        .setName(OUTPUT).setDatatype(FP32).addShape(probabilities.length);
    if (raw()) {
      response.addOutputs(output).addRawOutputContents(RawTensors.floats(probabilities));
    } else {
      InferTensorContents.Builder contents = InferTensorContents.newBuilder();
      for (float p : probabilities) {
        contents.addFp32Contents(p);
      }
      response.addOutputs(output.setContents(contents));
    }
    return response.build();
  }
}
