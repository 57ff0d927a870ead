package io.dlf.serving.grpc;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.dlf.proto.serving.v1.PredictRequest;
import io.dlf.proto.serving.v1.PredictResponse;
import io.dlf.proto.serving.v1.PredictionServiceGrpc;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/** {@code dlf.serving.v1.PredictionService}: probabilities for raw feature values. */
@Singleton
final class PredictionServiceImpl extends PredictionServiceGrpc.PredictionServiceImplBase {
  private final Predictions predictions;

  @Inject
  PredictionServiceImpl(Predictions predictions) {
    this.predictions = predictions;
  }

  @Override
  public void predict(PredictRequest request, StreamObserver<PredictResponse> observer) {
    ServerCallStreamObserver<PredictResponse> call = (ServerCallStreamObserver<PredictResponse>) observer;
    String model = request.getModel().getName();
    predictions.predict("predict", model, Selectors.of(request.getModel()), new PredictExamples(request),
        Predictions.deadlineNanos(), call::isCancelled, new Predictions.Answer() {
          @Override
          public void succeeded(long version, float[] probabilities) {
            PredictResponse.Builder response = PredictResponse.newBuilder().setModel(model).setVersion(version);
            for (float p : probabilities) {
              response.addProbabilities(p);
            }
            Calls.respond(call, response.build());
          }

          @Override
          public void failed(StatusRuntimeException status) {
            Calls.fail(call, status);
          }
        });
  }
}
