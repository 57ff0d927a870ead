"""Session fixtures: real servers, and one tiny DLF that the tests share, trained on Frappe, or where
Frappe is absent on synthetic-frappe (the trainer generates it with Frappe's fields); under CI=true,
where the data lies beside the checkout, an absent Frappe fails the tests that train instead."""
import csv
import gzip
import os

import pytest

from dlf_client import PredictionClient, TrainerClient
from servers import DATA, REPO, start_serving, start_trainer

MODEL = "frappe-py"
FEATURES = ["user", "item", "daytime", "weekday", "isweekend", "homework", "cost", "weather", "country", "city"]
TRAINING = {"max_epochs": 1, "batch_size": 4096, "seed": 7, "device": "CPU", "progress_every_steps": 10}
FRAPPE = "frappe"
GENERATED = "synthetic-frappe"
FRAPPE_ABSENT = None if (DATA / FRAPPE).is_dir() else (
    f"dataset '{FRAPPE}' is not under {DATA} (set DLF_DATA to the folder holding {FRAPPE}/)")
CI = os.environ.get("CI", "").lower() == "true"


def pytest_terminal_summary(terminalreporter):
    """The one line saying the tests ran on generated data, shown even with -q."""
    if FRAPPE_ABSENT and not CI:
        terminalreporter.write_line(f"trained on {GENERATED}: {FRAPPE_ABSENT}")


@pytest.fixture(scope="session")
def dataset():
    """The dataset the tests train on."""
    if FRAPPE_ABSENT is None:
        return FRAPPE
    if CI:
        pytest.fail(f"CI=true, so the data should be there: {FRAPPE_ABSENT}")
    return GENERATED


@pytest.fixture(scope="session")
def spec_json():
    return (REPO / "clients" / "testing" / "frappe-tiny-dlf.json").read_text()


@pytest.fixture(scope="session")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("servers")


@pytest.fixture(scope="session")
def servers(workdir):
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
def trained(trainer, spec_json, dataset):
    """The job that trained MODEL for one epoch, and every event its watch saw."""
    job = trainer.submit(spec_json, dataset, training=TRAINING, model_name=MODEL)
    events = list(trainer.watch(job.id))
    return trainer.get(job.id), events


@pytest.fixture(scope="session")
def example_rows(dataset, trained, workdir):
    """The first rows of the test split as raw values (trained: the generated split exists by then)."""
    if dataset == FRAPPE:
        # each field's value is its libFM index
        with gzip.open(DATA / FRAPPE / "frappe.test.libfm.gz", "rt") as lines:
            rows = [next(lines).split()[1:] for _ in range(3)]
        return [{name: pair.split(":")[0] for name, pair in zip(FEATURES, row)} for row in rows]
    # the trainer writes its generated datasets under <data dir>/datasets/
    with open(workdir / "trainer" / "datasets" / GENERATED / "test.tsv", newline="") as tsv:
        rows = csv.DictReader(tsv, delimiter="\t")
        return [{name: row[name] for name in FEATURES} for row, _ in zip(rows, range(3))]
