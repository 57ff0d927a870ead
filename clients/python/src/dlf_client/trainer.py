"""TrainerClient: submit training jobs, follow them, cancel them, retry failed exports
(dlf.trainer.v1.TrainerService)."""
import json

from google.protobuf import json_format

from dlf.spec.v1 import model_spec_pb2
from dlf.trainer.v1 import trainer_pb2, trainer_pb2_grpc

from ._channel import Client


class TrainerClient(Client):
    """A trainer server at target ("host:port").

    timeout: seconds every unary call may take; watch streams get stream_timeout (None: no limit).
    credentials: TLS channel credentials (dlf_client.tls_credentials(...), with a client certificate for mTLS),
    None for plaintext. token / token_file: a bearer token for servers that require one (default: $DLF_TOKEN,
    else the file $DLF_TOKEN_FILE names); never sent in plaintext beyond loopback (ValueError).
    """

    def __init__(self, target, *, timeout=30.0, stream_timeout=None, credentials=None, token=None, token_file=None):
        super().__init__(target, timeout, credentials, token, token_file)
        self._stream_timeout = stream_timeout
        self._stub = trainer_pb2_grpc.TrainerServiceStub(self._connection.channel)

    def submit(self, spec, dataset="frappe", *, training=None, model_name=None, request_id=None):
        """Queues a job and returns it (a dlf.trainer.v1.Job).

        spec: the model spec as JSON text, a dict of its JSON form (what the Java DSL's SpecJson
        writes) or a ModelSpec message. dataset: a registered dataset's name, or a DatasetRef as a
        dict or message (e.g. {"files": {"format": "CSV", ...}}). training: TrainingSettings as a
        dict or message (e.g. {"max_epochs": 1, "device": "CPU"}). request_id: an idempotency key.
        """
        request = trainer_pb2.SubmitJobRequest(
            model_spec=_message(spec, model_spec_pb2.ModelSpec),
            dataset=(trainer_pb2.DatasetRef(name=dataset) if isinstance(dataset, str)
                     else _message(dataset, trainer_pb2.DatasetRef)),
            training=_message(training or {}, trainer_pb2.TrainingSettings),
            request_id=request_id or "")
        if model_name:
            request.export.model_name = model_name
        return self._connection.unary("SubmitJob", self._stub.SubmitJob, request)

    def get(self, job_id):
        return self._connection.unary("GetJob", self._stub.GetJob, trainer_pb2.GetJobRequest(job_id=job_id))

    def list(self, states=(), page_size=100):
        """Every job (newest first), or only those in states (JobState names or numbers)."""
        request = trainer_pb2.ListJobsRequest(
            states=[trainer_pb2.JobState.Value(s) if isinstance(s, str) else s for s in states],
            page_size=page_size)
        jobs = []
        while True:
            response = self._connection.unary("ListJobs", self._stub.ListJobs, request)
            jobs += response.jobs
            if not response.next_page_token:
                return jobs
            request.page_token = response.next_page_token

    def cancel(self, job_id):
        return self._connection.unary("CancelJob", self._stub.CancelJob,
                                      trainer_pb2.CancelJobRequest(job_id=job_id))

    def retry_export(self, job_id):
        """Exports again the trained model of a job whose export failed (job.exportable), once the
        cause (a full disk, a folder the trainer may not write) is fixed; returns the job, queued."""
        return self._connection.unary("RetryExport", self._stub.RetryExport,
                                      trainer_pb2.RetryExportRequest(job_id=job_id))

    def watch(self, job_id):
        """The job's events (dlf.trainer.v1.JobEvent), a snapshot first; ends when the job ends.

        event.WhichOneof("event") says which: snapshot, state_changed, progress, epoch_ended, result.
        """
        return self._connection.stream("WatchJob", self._stub.WatchJob,
                                       trainer_pb2.WatchJobRequest(job_id=job_id), self._stream_timeout)


def _message(value, message_type):
    """A message from itself, its JSON text or its JSON form as a dict; unknown fields are refused."""
    if isinstance(value, message_type):
        return value
    try:
        if isinstance(value, (str, bytes)):
            return json_format.Parse(value, message_type())
        return json_format.ParseDict(value, message_type())
    except (json_format.ParseError, json.JSONDecodeError) as error:
        raise ValueError(f"not a valid {message_type.DESCRIPTOR.full_name}: {error}") from None
