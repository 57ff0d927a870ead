package io.dlf.serving;

import static io.dlf.serving.VersionLifecycleEndToEndTest.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import com.google.rpc.BadRequest;
import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.proto.inference.InferTensorContents;
import io.dlf.proto.inference.ModelInferRequest;
import io.dlf.proto.inference.ModelReadyRequest;
import io.dlf.proto.serving.v1.Column;
import io.dlf.proto.serving.v1.Columns;
import io.dlf.proto.serving.v1.Example;
import io.dlf.proto.serving.v1.FeatureValue;
import io.dlf.proto.serving.v1.FloatColumn;
import io.dlf.proto.serving.v1.GetModelMetadataRequest;
import io.dlf.proto.serving.v1.GetModelStatusRequest;
import io.dlf.proto.serving.v1.ModelSpec;
import io.dlf.proto.serving.v1.PredictRequest;
import io.dlf.proto.serving.v1.PredictResponse;
import io.dlf.serving.grpc.InferRequests;
import io.dlf.serving.grpc.PredictRequests;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests the serving server's services (PredictionService, ModelService, KServe v2) must refuse,
 * each with a status and a message that says what to fix, against a small exported model; the real
 * services, wired by the server's Guice modules, called in process.
 */
class RequestValidationTest {
  private static final int MAX_EXAMPLES = 8;

  @TempDir
  static Path root;
  private static RunningServer serving;

  @BeforeAll
  static void start() throws Exception {
    TestVersions.publish(new ModelRepository(root), "ctr", 1);
    serving = RunningServer.inProcess(root,
        c -> c.withBatching(c.batching().withMaxExamplesPerRequest(MAX_EXAMPLES)));
  }

  @AfterAll
  static void stop() {
    serving.close();
  }

  private static ModelSpec ctr() {
    return ModelSpec.newBuilder().setName("ctr").build();
  }

  private static PredictResponse predict(PredictRequest request) {
    return serving.predictions().predict(request);
  }

  private static Example example(Map<String, FeatureValue> features) {
    return Example.newBuilder().putAllFeatures(features).build();
  }

  private static FeatureValue string(String value) {
    return FeatureValue.newBuilder().setStringValue(value).build();
  }

  private static FeatureValue number(float value) {
    return FeatureValue.newBuilder().setFloatValue(value).build();
  }

  private static List<BadRequest.FieldViolation> violations(Executable call) {
    StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class, call);
    return StatusProto.fromThrowable(e).getDetailsList().stream().filter(d -> d.is(BadRequest.class))
        .flatMap(d -> {
          try {
            return d.unpack(BadRequest.class).getFieldViolationsList().stream();
          } catch (com.google.protobuf.InvalidProtocolBufferException x) {
            throw new AssertionError(x);
          }
        }).toList();
  }

  private static int input(ModelInferRequest request, String name) {
    for (int i = 0; i < request.getInputsCount(); i++) {
      if (request.getInputs(i).getName().equals(name)) {
        return i;
      }
    }
    throw new AssertionError("no input " + name);
  }

  @Test
  void unknownModelVersionOrLabelIsNotFoundAndNamed() {
    RawBatch batch = TestVersions.examples(1, 1);
    assertStatus(Status.Code.NOT_FOUND, "model 'cvr' is not served; models: [ctr]",
        () -> predict(PredictRequests.rows(ModelSpec.newBuilder().setName("cvr").build(), batch)));
    assertStatus(Status.Code.NOT_FOUND, "Version 5 of model 'ctr' does not exist; versions: 1 AVAILABLE",
        () -> predict(PredictRequests.rows(ctr().toBuilder().setVersion(5).build(), batch)));
    assertStatus(Status.Code.NOT_FOUND, "model 'ctr' has no label 'stable'",
        () -> predict(PredictRequests.rows(ctr().toBuilder().setLabel("stable").build(), batch)));
    assertStatus(Status.Code.NOT_FOUND, "model 'cvr' is not served",
        () -> serving.kserve().modelInfer(InferRequests.of("cvr", "", batch, Map.of("history", 3), false)));
    assertStatus(Status.Code.NOT_FOUND, "model 'cvr' is not served",
        () -> serving.kserve().modelReady(ModelReadyRequest.newBuilder().setName("cvr").build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "name the model",
        () -> predict(PredictRequests.rows(ModelSpec.getDefaultInstance(), batch)));
  }

  @Test
  void theModelServiceNamesAnUnknownModelVersionOrLabel() {
    assertStatus(Status.Code.NOT_FOUND, "model 'cvr' is not served",
        () -> serving.models().getModelStatus(GetModelStatusRequest.newBuilder().setName("cvr").build()));
    assertStatus(Status.Code.NOT_FOUND, "model 'ctr' has no version 7 on this server",
        () -> serving.models().getModelStatus(GetModelStatusRequest.newBuilder().setName("ctr").setVersion(7).build()));
    assertStatus(Status.Code.NOT_FOUND, "model 'ctr' has no label 'stable'", () -> serving.models()
        .getModelMetadata(GetModelMetadataRequest.newBuilder().setModel(ctr().toBuilder().setLabel("stable")).build()));
  }

  @Test
  void missingAndExtraFeaturesAreListed() {
    Map<String, FeatureValue> features = Map.of("user", string("user1"), "colour", string("red"),
        "price", number(3f));
    assertStatus(Status.Code.INVALID_ARGUMENT,
        "example 0 does not match the inputs of model 'ctr' version 1: missing [history, item], "
            + "not inputs of the model [colour]",
        () -> predict(PredictRequest.newBuilder().setModel(ctr()).addExamples(example(features)).build()));
    List<String> fields = violations(() -> predict(PredictRequest.newBuilder().setModel(ctr())
        .addExamples(example(features)).build())).stream().map(BadRequest.FieldViolation::getField).toList();
    assertEquals(List.of("examples[0].features[item]", "examples[0].features[history]",
        "examples[0].features[colour]"), fields);

    PredictRequest columns = PredictRequest.newBuilder().setModel(ctr()).setColumns(Columns.newBuilder()
        .putColumns("price", Column.newBuilder().setFloats(FloatColumn.newBuilder().addValues(1f)).build())).build();
    assertStatus(Status.Code.INVALID_ARGUMENT, "the columns does not match the inputs of model 'ctr' version 1: "
        + "missing [history, item, user]", () -> predict(columns));

    ModelInferRequest tensors = InferRequests.of("ctr", "", TestVersions.examples(2, 1), Map.of("history", 3), false);
    ModelInferRequest withoutItem = tensors.toBuilder().removeInputs(input(tensors, "item")).build();
    assertStatus(Status.Code.INVALID_ARGUMENT, "the input tensors does not match", () -> serving.kserve()
        .modelInfer(withoutItem));
  }

  @Test
  void aValueOfTheWrongTypeNamesTheFeature() {
    RawBatch batch = TestVersions.examples(2, 5);
    PredictRequest good = PredictRequests.rows(ctr(), batch);
    PredictRequest priceAsString = good.toBuilder().setExamples(1, good.getExamples(1).toBuilder()
        .putFeatures("price", string("cheap"))).build();
    assertStatus(Status.Code.INVALID_ARGUMENT, "feature 'price' is numeric: send float_value (NaN for missing), "
        + "not string_value", () -> predict(priceAsString));
    assertEquals(List.of("examples[1].features[price]"), violations(() -> predict(priceAsString)).stream()
        .map(BadRequest.FieldViolation::getField).toList());

    PredictRequest userAsNumber = good.toBuilder().setExamples(0, good.getExamples(0).toBuilder()
        .putFeatures("user", number(7f))).build();
    assertStatus(Status.Code.INVALID_ARGUMENT, "feature 'user' is categorical: send string_value, not float_value",
        () -> predict(userAsNumber));

    ModelInferRequest tensors = InferRequests.of("ctr", "", batch, Map.of("history", 3), false);
    int price = input(tensors, "price");
    ModelInferRequest priceAsInt = tensors.toBuilder().setInputs(price, tensors.getInputs(price).toBuilder()
        .setDatatype("INT64").setContents(InferTensorContents.newBuilder().addInt64Contents(1).addInt64Contents(2)))
        .build();
    assertStatus(Status.Code.INVALID_ARGUMENT, "input 'price' is a numeric feature: its datatype is FP32, not INT64",
        () -> serving.kserve().modelInfer(priceAsInt));

    ModelInferRequest shortRaw = InferRequests.of("ctr", "", batch, Map.of("history", 3), true).toBuilder()
        .setRawInputContents(price, ByteString.copyFrom(new byte[5])).build();
    assertStatus(Status.Code.INVALID_ARGUMENT, "raw_input_contents for inputs[price] (bytes): has 5 elements; "
        + "the shape needs 8", () -> serving.kserve().modelInfer(shortRaw));
  }

  @Test
  void emptyAndOversizedBatchesAreRefusedWithTheLimit() {
    assertStatus(Status.Code.INVALID_ARGUMENT, "the request carries 0 examples; send 1 to 8",
        () -> predict(PredictRequest.newBuilder().setModel(ctr()).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "the request carries 9 examples; send 1 to 8 "
        + "(the max-examples-per-request limit)", () -> predict(PredictRequests.columns(ctr(),
        TestVersions.examples(MAX_EXAMPLES + 1, 1))));
    assertStatus(Status.Code.INVALID_ARGUMENT, "send 1 to 8", () -> serving.kserve().modelInfer(
        InferRequests.of("ctr", "", TestVersions.examples(MAX_EXAMPLES + 1, 1), Map.of("history", 3), true)));
    PredictRequest both = PredictRequests.rows(ctr(), TestVersions.examples(1, 1)).toBuilder()
        .setColumns(PredictRequests.columns(ctr(), TestVersions.examples(1, 1)).getColumns()).build();
    assertStatus(Status.Code.INVALID_ARGUMENT, "as examples or as columns, not both", () -> predict(both));
  }
}
