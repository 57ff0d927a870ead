"""TrainerClient against a real trainer: a spec written as JSON trained to SUCCEEDED, jobs listed and
cancelled, and the server's refusals kept (code, message, field violations)."""
import json

import grpc
import pytest

from conftest import MODEL, TRAINING
from dlf.trainer.v1 import trainer_pb2
from dlf_client import DlfError


def test_a_json_spec_trains_to_succeeded_and_the_watch_sees_every_stage(trained):
    job, events = trained
    assert job.state == trainer_pb2.SUCCEEDED, job.failure.message
    assert job.model_name == MODEL and job.version == 1
    assert 0.5 < job.metrics.test.auc < 1

    kinds = [event.WhichOneof("event") for event in events]
    assert kinds[0] == "snapshot"
    assert "progress" in kinds and "epoch_ended" in kinds and "result" in kinds
    result = next(event.result for event in events if event.WhichOneof("event") == "result")
    assert (result.model_name, result.version) == (MODEL, 1)
    assert events[-1].state_changed.state == trainer_pb2.SUCCEEDED


def test_jobs_are_listed_and_an_ended_job_cannot_be_cancelled(trainer, trained):
    job, _ = trained
    assert job.id in [j.id for j in trainer.list(states=["SUCCEEDED"])]
    assert job.id not in [j.id for j in trainer.list(states=["RUNNING", "QUEUED"])]
    with pytest.raises(DlfError) as refused:
        trainer.cancel(job.id)
    assert refused.value.code == grpc.StatusCode.FAILED_PRECONDITION


def test_a_job_that_exported_has_no_export_to_retry(trainer, trained):
    job, _ = trained
    with pytest.raises(DlfError) as refused:
        trainer.retry_export(job.id)
    assert refused.value.code == grpc.StatusCode.FAILED_PRECONDITION
    assert f"job {job.id} already succeeded: it exported version 1 of {MODEL}" in refused.value.details


def test_a_running_job_is_cancelled(trainer, trained, spec_json, dataset):
    job = trainer.submit(spec_json, dataset, training=TRAINING, model_name="frappe-py-cancelled")
    watch = trainer.watch(job.id)
    assert next(watch).WhichOneof("event") == "snapshot"
    watch.close()  # leaving a watch early cancels its stream, not the job
    assert trainer.get(job.id).state in (trainer_pb2.QUEUED, trainer_pb2.RUNNING)
    trainer.cancel(job.id)
    final = [event for event in trainer.watch(job.id) if event.WhichOneof("event") == "state_changed"]
    assert trainer.get(job.id).state == trainer_pb2.CANCELLED, final


def test_an_invalid_spec_is_refused_with_the_field_path(servers, trainer, spec_json, dataset):
    spec = json.loads(spec_json)
    spec["features"][0]["name"] = "colour"  # not a column of Frappe, nor of synthetic-frappe
    with pytest.raises(DlfError) as refused:
        trainer.submit(spec, dataset, training=TRAINING)
    error = refused.value
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [field for field, _ in error.field_violations] == ["model_spec.features[0].name"], str(error)
    assert str(error).startswith(f"SubmitJob at {servers[0].target}: INVALID_ARGUMENT: {error.details}")
    assert "\n  model_spec.features[0].name: " in str(error)


def test_an_unknown_job_is_not_found(trainer):
    with pytest.raises(DlfError) as missing:
        trainer.get("no-such-job")
    assert missing.value.code == grpc.StatusCode.NOT_FOUND


def test_a_spec_with_an_unknown_field_is_refused_before_sending(trainer, spec_json):
    spec = json.loads(spec_json)
    spec["colour"] = "blue"
    with pytest.raises(ValueError, match="dlf.spec.v1.ModelSpec"):
        trainer.submit(spec)
