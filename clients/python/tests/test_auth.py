"""The Python client with a bearer token against a serving server that requires one (static tokens and a policy
file, on loopback), over the repository the shared fixtures trained MODEL into."""
import hashlib
import secrets

import grpc
import pytest

from conftest import MODEL
from dlf_client import DlfError, PredictionClient
from servers import start_serving

OPS = secrets.token_hex(32)
PREDICTOR = secrets.token_hex(32)


@pytest.fixture(scope="module")
def secured(workdir, trained):
    """A second serving server over the same repository, taking the tokens of ops and predictor only."""
    tokens = workdir / "tokens.txt"
    tokens.write_text("".join(f"{name} = sha256:{hashlib.sha256(token.encode()).hexdigest()}\n"
                              for name, token in (("ops", OPS), ("predictor", PREDICTOR))))
    policy = workdir / "policy.txt"
    policy.write_text(f"ops = predict, models.manage\npredictor = predict:{MODEL}\n")
    server = start_serving(workdir, ["--auth-tokens", str(tokens), "--auth-policy", str(policy)], "serving-secured")
    try:
        server.wait_ready()
        with PredictionClient(server.target, token=OPS) as ops:
            ops.reload(MODEL)  # the version the shared fixtures trained, loaded before the tests predict
        yield server
    finally:
        server.stop()


def test_a_token_with_the_role_predicts(secured, example_rows):
    with PredictionClient(secured.target, token=PREDICTOR) as client:
        predictions = client.predict(MODEL, example_rows)
    assert predictions.model == MODEL
    assert all(0 < p < 1 for p in predictions.probabilities)


def test_the_token_comes_from_a_file_or_the_environment(secured, example_rows, tmp_path, monkeypatch):
    token_file = tmp_path / "predictor.token"
    token_file.write_text(PREDICTOR + "\n")
    with PredictionClient(secured.target, token_file=str(token_file)) as client:
        assert len(client.predict(MODEL, example_rows).probabilities) == len(example_rows)
    monkeypatch.setenv("DLF_TOKEN", PREDICTOR)
    with PredictionClient(secured.target) as client:
        assert len(client.predict(MODEL, example_rows).probabilities) == len(example_rows)


def test_refusals_are_one_clear_line(secured, example_rows, monkeypatch):
    monkeypatch.delenv("DLF_TOKEN", raising=False)
    monkeypatch.delenv("DLF_TOKEN_FILE", raising=False)
    with PredictionClient(secured.target) as anonymous:
        with pytest.raises(DlfError) as error:
            anonymous.predict(MODEL, example_rows)
    assert error.value.code == grpc.StatusCode.UNAUTHENTICATED
    assert str(error.value) == (f"Predict at {secured.target}: UNAUTHENTICATED: the serving server needs credentials: "
                                "a bearer token (authorization: Bearer TOKEN)")

    with PredictionClient(secured.target, token=PREDICTOR) as predictor:
        for call in (lambda: predictor.set_label(MODEL, "prod", 1), lambda: predictor.reload()):
            with pytest.raises(DlfError) as denied:
                call()
            assert denied.value.code == grpc.StatusCode.PERMISSION_DENIED
            assert "that needs the role models.manage" in str(denied.value)
            assert "\n" not in str(denied.value)


def test_no_token_is_sent_in_plaintext_beyond_loopback():
    with pytest.raises(ValueError, match="refusing to send a bearer token in plaintext to 192.0.2.1:8500"):
        PredictionClient("192.0.2.1:8500", token=OPS)
