"""PredictionClient against a real serving server scoring the version the trainer just exported:
raw feature values by model name, version and label; unknown models and bad examples refused."""
import grpc
import pytest

from conftest import MODEL
from dlf_client import DlfError


@pytest.fixture(scope="module")
def served(serving, trained):
    """MODEL's version 1 AVAILABLE on the serving server."""
    job, _ = trained
    serving.reload(MODEL)  # no need to wait for the next poll
    return job.version


def test_raw_features_are_scored_by_model_name(serving, served, example_rows):
    predictions = serving.predict(MODEL, example_rows)
    assert (predictions.model, predictions.version) == (MODEL, served)
    assert len(predictions.probabilities) == len(example_rows)
    assert all(0 < p < 1 for p in predictions.probabilities)
    assert serving.predict(MODEL, example_rows, version=served).probabilities == predictions.probabilities


def test_a_label_set_through_the_model_service_routes_predictions(serving, served, example_rows):
    status = serving.set_label(MODEL, "stable", served)
    assert status.labels["stable"] == served
    by_label = serving.predict(MODEL, example_rows, label="stable")
    assert by_label.version == served
    assert by_label.probabilities == serving.predict(MODEL, example_rows).probabilities
    assert MODEL in [model.name for model in serving.list_models()]


def test_literal_values_unseen_in_training_are_scored(serving, served):
    example = {"user": "someone new", "item": "4798", "daytime": "5041", "weekday": "5046", "isweekend": "5053",
               "homework": "5055", "cost": "5058", "weather": "5060", "country": "5070", "city": "5142"}
    assert 0 < serving.predict(MODEL, [example]).probabilities[0] < 1


def test_an_unknown_model_or_label_is_not_found(serving, served, example_rows):
    for model, label in (("no-such-model", None), (MODEL, "no-such-label")):
        with pytest.raises(DlfError) as missing:
            serving.predict(model, example_rows, label=label)
        assert missing.value.code == grpc.StatusCode.NOT_FOUND
        assert missing.value.details


def test_an_example_missing_a_feature_is_invalid(serving, served, example_rows):
    example = dict(example_rows[0])
    del example["city"]
    with pytest.raises(DlfError) as refused:
        serving.predict(MODEL, [example])
    assert refused.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert "city" in refused.value.details
