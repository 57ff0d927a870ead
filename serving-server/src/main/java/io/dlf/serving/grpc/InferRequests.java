package io.dlf.serving.grpc;

import com.google.protobuf.ByteString;
import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.encode.SequenceWindow;
import io.dlf.proto.inference.InferTensorContents;
import io.dlf.proto.inference.ModelInferRequest;
import io.dlf.proto.inference.ModelInferRequest.InferInputTensor;
import io.dlf.proto.inference.ModelInferResponse;
import java.util.Map;

/**
 * KServe v2 {@code ModelInferRequest}s from raw feature values, as a Triton or KServe client
 * builds them, in either form: typed {@code contents} or {@code raw_input_contents}.
 */
public final class InferRequests {
  private InferRequests() {}

  /**
   * One tensor per feature; sequences as BYTES {@code [B, maxLengths.get(name)]}, right-padded
   * with "" (keeping the most recent tokens).
   */
  public static ModelInferRequest of(String model, String version, RawBatch batch, Map<String, Integer> maxLengths,
      boolean raw) {
    ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName(model).setModelVersion(version);
    batch.strings().forEach((name, values) -> addStrings(request, name, values, new long[] {batch.size()}, raw));
    batch.numbers().forEach((name, values) -> {
      InferInputTensor.Builder tensor = InferInputTensor.newBuilder().setName(name)
          .setDatatype(InferenceTensors.FP32).addShape(batch.size());
      if (raw) {
        request.addInputs(tensor).addRawInputContents(RawTensors.floats(values));
      } else {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        for (float v : values) {
          contents.addFp32Contents(v);
        }
        request.addInputs(tensor.setContents(contents));
      }
    });
    batch.sequences().forEach((name, rows) -> {
      int width = maxLengths.get(name);
      addStrings(request, name, SequenceWindow.pad(rows, width), new long[] {batch.size(), width}, raw);
    });
    return request.build();
  }

  private static void addStrings(ModelInferRequest.Builder request, String name, String[] values, long[] shape,
      boolean raw) {
    InferInputTensor.Builder tensor = InferInputTensor.newBuilder().setName(name).setDatatype(InferenceTensors.BYTES);
    for (long d : shape) {
      tensor.addShape(d);
    }
    if (raw) {
      request.addInputs(tensor).addRawInputContents(RawTensors.strings(values));
    } else {
      InferTensorContents.Builder contents = InferTensorContents.newBuilder();
      for (String v : values) {
        contents.addBytesContents(ByteString.copyFromUtf8(v));
      }
      request.addInputs(tensor.setContents(contents));
    }
  }

  /** The probabilities of a response, from whichever form it carries them in. */
  public static float[] probabilities(ModelInferResponse response) {
    if (response.getRawOutputContentsCount() > 0) {
      return RawTensors.floats(response.getRawOutputContents(0));
    }
    InferTensorContents contents = response.getOutputs(0).getContents();
    float[] p = new float[contents.getFp32ContentsCount()];
    for (int i = 0; i < p.length; i++) {
      p[i] = contents.getFp32Contents(i);
    }
    return p;
  }
}
