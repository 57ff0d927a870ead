"""PredictionClient: probabilities from raw feature values, and the served models' versions and labels
(dlf.serving.v1.PredictionService and ModelService)."""
import math
from dataclasses import dataclass
from typing import List

from dlf.serving.v1 import serving_pb2, serving_pb2_grpc

from ._channel import Client


@dataclass(frozen=True)
class Predictions:
    model: str
    version: int  # the version that answered, whatever the request named
    probabilities: List[float]  # one per example, in request order


class PredictionClient(Client):
    """A serving server at target ("host:port"); timeout, credentials and token as for TrainerClient."""

    def __init__(self, target, *, timeout=30.0, credentials=None, token=None, token_file=None):
        super().__init__(target, timeout, credentials, token, token_file)
        self._predictions = serving_pb2_grpc.PredictionServiceStub(self._connection.channel)
        self._models = serving_pb2_grpc.ModelServiceStub(self._connection.channel)

    def predict(self, model, examples, *, version=None, label=None):
        """Click probabilities for examples, each a dict of raw feature values by feature name.

        A str is a categorical value, an int or float a numeric one (None: missing), a list or
        tuple a sequence's tokens. With neither version nor label the latest version answers.
        """
        request = serving_pb2.PredictRequest(model=_model(model, version, label))
        for example in examples:
            row = request.examples.add()
            for name, value in example.items():
                row.features[name].CopyFrom(_feature_value(name, value))
        response = self._connection.unary("Predict", self._predictions.Predict, request)
        return Predictions(response.model, response.version, list(response.probabilities))

    def list_models(self):
        return list(self._connection.unary("ListModels", self._models.ListModels,
                                           serving_pb2.ListModelsRequest()).models)

    def model_status(self, name, version=0):
        return self._connection.unary("GetModelStatus", self._models.GetModelStatus,
                                      serving_pb2.GetModelStatusRequest(name=name, version=version))

    def model_metadata(self, model, *, version=None, label=None):
        return self._connection.unary("GetModelMetadata", self._models.GetModelMetadata,
                                      serving_pb2.GetModelMetadataRequest(model=_model(model, version, label)))

    def set_label(self, model, label, version):
        """Points label at an AVAILABLE version of model (creating or moving it)."""
        return self._connection.unary("SetLabel", self._models.SetLabel,
                                      serving_pb2.SetLabelRequest(model=model, label=label, version=version))

    def remove_label(self, model, label):
        return self._connection.unary("RemoveLabel", self._models.RemoveLabel,
                                      serving_pb2.RemoveLabelRequest(model=model, label=label))

    def reload(self, model=""):
        """Scans the repository now (one model, or all) and returns once the loads it started settled."""
        return list(self._connection.unary("Reload", self._models.Reload,
                                           serving_pb2.ReloadRequest(model=model)).models)


def _model(name, version, label):
    if version is not None and label is not None:
        raise ValueError("give a version or a label, not both")
    if label is not None:
        return serving_pb2.ModelSpec(name=name, label=label)
    if version is not None:
        return serving_pb2.ModelSpec(name=name, version=version)
    return serving_pb2.ModelSpec(name=name)


def _feature_value(name, value):
    if isinstance(value, str):
        return serving_pb2.FeatureValue(string_value=value)
    if value is None:
        return serving_pb2.FeatureValue(float_value=math.nan)
    # bool is an int in Python, but a flag is not a number the caller meant to send
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return serving_pb2.FeatureValue(float_value=value)
    if isinstance(value, (list, tuple)):
        return serving_pb2.FeatureValue(tokens=serving_pb2.Tokens(tokens=[str(t) for t in value]))
    raise TypeError(f"feature {name!r}: {type(value).__name__} is not a str, number, None or list of tokens")
