package io.dlf.serving.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.testing.ExportedVersions;
import io.dlf.proto.inference.InferTensorContents;
import io.dlf.proto.inference.ModelInferRequest;
import io.dlf.proto.serving.v1.Column;
import io.dlf.proto.serving.v1.FeatureValue;
import io.dlf.proto.serving.v1.ModelSpec;
import io.dlf.proto.serving.v1.PredictRequest;
import io.dlf.proto.serving.v1.StringColumn;
import io.dlf.proto.serving.v1.Tokens;
import io.dlf.proto.serving.v1.TokensColumn;
import io.dlf.serving.ServingException;
import io.dlf.serving.TestVersions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Requests to raw feature values and back: both Predict forms and both KServe forms, and what they refuse. */
class RequestDecodingTest {
  private static final List<Feature> INPUTS = ModelPlan.of(ExportedVersions.SMALL).fields();
  private static final ModelSpec MODEL = ModelSpec.newBuilder().setName("ctr").build();
  private static final Map<String, Integer> LENGTHS = Map.of("history", 3);
  private static final String TARGET = "model 'ctr' version 1";

  private static int index(ModelInferRequest request, String input) {
    for (int i = 0; i < request.getInputsCount(); i++) {
      if (request.getInputs(i).getName().equals(input)) {
        return i;
      }
    }
    throw new AssertionError("no input " + input);
  }

  private static void assertSameValues(RawBatch expected, RawBatch actual, int keptTokens) {
    assertEquals(expected.size(), actual.size());
    expected.strings().forEach((name, values) -> assertArrayEquals(values, actual.strings().get(name), name));
    expected.numbers().forEach((name, values) -> assertArrayEquals(values, actual.numbers().get(name), name));
    expected.sequences().forEach((name, rows) -> {
      for (int i = 0; i < rows.length; i++) {
        List<String> all = List.of(rows[i]);
        assertEquals(all.subList(Math.max(0, all.size() - keptTokens), all.size()),
            List.of(actual.sequences().get(name)[i]), name + " row " + i);
      }
    });
  }

  @Test
  void predictRowsAndColumnsCarryTheSameValues() {
    RawBatch batch = TestVersions.examples(25, 3);
    for (PredictRequest request : List.of(PredictRequests.rows(MODEL, batch), PredictRequests.columns(MODEL, batch))) {
      PredictExamples examples = new PredictExamples(request);
      assertEquals(25, examples.size());
      assertSameValues(batch, examples.decode(INPUTS, TARGET), Integer.MAX_VALUE);
    }
  }

  @Test
  void kserveContentsAndRawFormsCarryTheSameValues() {
    RawBatch batch = TestVersions.examples(25, 4);
    for (boolean raw : new boolean[] {false, true}) {
      InferenceTensors tensors = new InferenceTensors(InferRequests.of("ctr", "", batch, LENGTHS, raw));
      assertEquals(25, tensors.size());
      assertSameValues(batch, tensors.decode(INPUTS, TARGET), 3);
    }
  }

  @Test
  void aSequenceMaySendItsTokensJoinedByTheSeparator() {
    RawBatch batch = TestVersions.examples(1, 5);
    PredictRequest request = PredictRequests.rows(MODEL, batch);
    request = request.toBuilder().setExamples(0, request.getExamples(0).toBuilder()
        .putFeatures("history", FeatureValue.newBuilder().setStringValue("item3|item9||item1").build())).build();
    assertArrayEquals(new String[] {"item3", "item9", "item1"},
        new PredictExamples(request).decode(INPUTS, TARGET).sequences().get("history")[0]);
  }

  @Test
  void everyFormOfASequenceDropsItsEmptyTokensAlike() {
    RawBatch batch = TestVersions.examples(1, 5);
    PredictRequest rows = PredictRequests.rows(MODEL, batch);
    PredictRequest columns = PredictRequests.columns(MODEL, batch);
    FeatureValue joined = FeatureValue.newBuilder().setStringValue("|item3||item9|").build();
    FeatureValue list = FeatureValue.newBuilder().setTokens(Tokens.newBuilder()
        .addAllTokens(List.of("", "item3", "", "item9", ""))).build();
    List<PredictRequest> requests = List.of(
        rows.toBuilder().setExamples(0, rows.getExamples(0).toBuilder().putFeatures("history", joined)).build(),
        rows.toBuilder().setExamples(0, rows.getExamples(0).toBuilder().putFeatures("history", list)).build(),
        columns.toBuilder().setColumns(columns.getColumns().toBuilder().putColumns("history", Column.newBuilder()
            .setStrings(StringColumn.newBuilder().addValues(joined.getStringValue())).build())).build(),
        columns.toBuilder().setColumns(columns.getColumns().toBuilder().putColumns("history", Column.newBuilder()
            .setTokenLists(TokensColumn.newBuilder().addValues(list.getTokens())).build())).build());
    for (PredictRequest request : requests) {
      assertArrayEquals(new String[] {"item3", "item9"},
          new PredictExamples(request).decode(INPUTS, TARGET).sequences().get("history")[0], request.toString());
    }
    RawBatch withEmpties = new RawBatch(1, batch.strings(), batch.numbers(),
        Map.of("history", new String[][] {{"item3", "", "item9"}}));
    assertArrayEquals(new String[] {"item3", "item9"}, new InferenceTensors(
        InferRequests.of("ctr", "", withEmpties, LENGTHS, false)).decode(INPUTS, TARGET).sequences().get("history")[0]);
  }

  @Test
  void columnsOfDifferentLengthsAreRefused() {
    PredictRequest request = PredictRequests.columns(MODEL, TestVersions.examples(3, 1));
    PredictRequest shortUser = request.toBuilder().setColumns(request.getColumns().toBuilder().putColumns("user",
        Column.newBuilder().setStrings(StringColumn.newBuilder().addValues("user1")).build())).build();
    ServingException e = assertThrows(ServingException.class,
        () -> new PredictExamples(shortUser).decode(INPUTS, TARGET));
    assertTrue(e.getMessage().contains("column 'user' has 1 values and another has 3"), e.getMessage());
  }

  @Test
  void aFeatureWithoutAValueIsNamed() {
    PredictRequest request = PredictRequests.rows(MODEL, TestVersions.examples(1, 1));
    PredictRequest empty = request.toBuilder().setExamples(0, request.getExamples(0).toBuilder()
        .putFeatures("item", FeatureValue.getDefaultInstance())).build();
    ServingException e = assertThrows(ServingException.class, () -> new PredictExamples(empty).decode(INPUTS, TARGET));
    assertEquals("examples[0].features[item]", e.violations().get(0).field());
    assertTrue(e.getMessage().contains("send string_value, not no value"), e.getMessage());
  }

  @Test
  void kserveAcceptsColumnVectorsAndRefusesOtherShapes() {
    RawBatch batch = TestVersions.examples(2, 1);
    ModelInferRequest request = InferRequests.of("ctr", "", batch, LENGTHS, false);
    int user = index(request, "user");
    ModelInferRequest column = request.toBuilder().setInputs(user, request.getInputs(user).toBuilder().addShape(1))
        .build();
    assertArrayEquals(batch.strings().get("user"),
        new InferenceTensors(column).decode(INPUTS, TARGET).strings().get("user"));

    ModelInferRequest matrix = request.toBuilder().setInputs(user, request.getInputs(user).toBuilder().addShape(2))
        .build();
    ServingException e = assertThrows(ServingException.class, () -> new InferenceTensors(matrix).decode(INPUTS, TARGET));
    assertTrue(e.getMessage().contains("input 'user' has shape [2, 2]; a categorical feature with 2 examples needs "
        + "[2] or [2, 1]"), e.getMessage());

    int history = index(request, "history");
    ModelInferRequest flatHistory = request.toBuilder().setInputs(history, request.getInputs(history).toBuilder()
        .clearShape().addShape(6)).build();
    e = assertThrows(ServingException.class, () -> new InferenceTensors(flatHistory).decode(INPUTS, TARGET));
    assertTrue(e.getMessage().contains("needs [2, L]"), e.getMessage());
  }

  @Test
  void kserveRefusesDuplicateInputsUnknownOutputsAndBrokenRawBytes() {
    RawBatch batch = TestVersions.examples(2, 1);
    ModelInferRequest request = InferRequests.of("ctr", "", batch, LENGTHS, true);
    int user = index(request, "user");
    ModelInferRequest twice = request.toBuilder().addInputs(request.getInputs(user))
        .addRawInputContents(request.getRawInputContents(user)).build();
    assertTrue(assertThrows(ServingException.class, () -> new InferenceTensors(twice).decode(INPUTS, TARGET))
        .getMessage().contains("input 'user' is given twice"));

    ModelInferRequest logits = request.toBuilder().addOutputs(
        ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("logit")).build();
    assertTrue(assertThrows(ServingException.class, () -> new InferenceTensors(logits).decode(INPUTS, TARGET))
        .getMessage().contains("one output, 'probability', not 'logit'"));

    ModelInferRequest lying = request.toBuilder().setRawInputContents(user,
        ByteString.copyFrom(new byte[] {100, 0, 0, 0, 'a', 1, 0, 0, 0, 'b'})).build();
    assertTrue(assertThrows(ServingException.class, () -> new InferenceTensors(lying).decode(INPUTS, TARGET))
        .getMessage().contains("element 0 claims 100 bytes but 6 are left"));

    ModelInferRequest.Builder mixed = request.toBuilder().setInputs(user, request.getInputs(user).toBuilder()
        .setContents(InferTensorContents.newBuilder().addBytesContents(ByteString.copyFromUtf8("x"))))
        .clearRawInputContents();
    for (int i = 0; i < request.getInputsCount(); i++) {
      if (i != user) {
        mixed.addRawInputContents(request.getRawInputContents(i));
      }
    }
    assertTrue(assertThrows(ServingException.class, () -> new InferenceTensors(mixed.build()).decode(INPUTS, TARGET))
        .getMessage().contains("has 3 entries for 4 inputs"));
  }
}
