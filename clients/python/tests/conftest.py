"""Session fixtures: real servers, and one tiny DLF trained on Frappe that the tests share."""
import gzip

import pytest

from dlf_client import PredictionClient, TrainerClient
from servers import DATA, REPO, start_serving, start_trainer

MODEL = "frappe-py"
FEATURES = ["user", "item", "daytime", "weekday", "isweekend", "homework", "cost", "weather", "country", "city"]
TRAINING = {"max_epochs": 1, "batch_size": 4096, "seed": 7, "device": "CPU", "progress_every_steps": 10}


@pytest.fixture(scope="session")
def spec_json():
    return (REPO / "clients" / "testing" / "frappe-tiny-dlf.json").read_text()


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("servers")
    started = []
    try:
        for start in (start_trainer, start_serving):
            started.append(start(workdir))
            started[-1].wait_ready()  # a server that never gets ready is still stopped below
        yield started
    finally:
        for server in reversed(started):
            server.stop()


@pytest.fixture(scope="session")
def trainer(servers):
    with TrainerClient(servers[0].target) as client:
        yield client


@pytest.fixture(scope="session")
def serving(servers):
    with PredictionClient(servers[1].target) as client:
        yield client


@pytest.fixture(scope="session")
def trained(trainer, spec_json):
    """The job that trained MODEL for one epoch, and every event its watch saw."""
    job = trainer.submit(spec_json, "frappe", training=TRAINING, model_name=MODEL)
    events = list(trainer.watch(job.id))
    return trainer.get(job.id), events


@pytest.fixture(scope="session")
def frappe_rows():
    """The first rows of Frappe's test split as raw values: each field's value is its libFM index."""
    with gzip.open(DATA / "frappe" / "frappe.test.libfm.gz", "rt") as lines:
        rows = [next(lines).split()[1:] for _ in range(3)]
    return [{name: pair.split(":")[0] for name, pair in zip(FEATURES, row)} for row in rows]
