"""The Python client against serving servers that require credentials, over the repository the shared fixtures
trained MODEL into: a bearer token (static tokens and a policy file, on loopback), and a client certificate (mTLS,
with a CA made for the run)."""
import hashlib
import secrets

import grpc
import pytest

from conftest import MODEL
from dlf_client import DlfError, PredictionClient, tls_credentials
from servers import make_pki, start_serving

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


@pytest.fixture(scope="module")
def mtls(workdir, trained):
    """A serving server over the same repository that takes only client certificates of its CA (TLS)."""
    pki = make_pki(workdir / "pki", "alice")
    policy = workdir / "mtls-policy.txt"
    policy.write_text("alice = models.read\n")
    server = start_serving(workdir, ["--tls-cert", str(pki / "server.pem"), "--tls-key", str(pki / "server.key"),
                                     "--tls-client-ca", str(pki / "ca.pem"), "--auth-policy", str(policy)],
                           "serving-mtls")
    try:
        server.wait_ready(credentials=_alice(pki))
        yield server, pki
    finally:
        server.stop()


def _alice(pki):
    return tls_credentials(ca=pki / "ca.pem", cert=pki / "alice.pem", key=pki / "alice.key")


def test_a_client_certificate_is_the_principal(mtls):
    server, pki = mtls
    with PredictionClient(server.target, credentials=_alice(pki)) as alice:
        assert MODEL in [model.name for model in alice.list_models()]
        with pytest.raises(DlfError) as denied:
            alice.set_label(MODEL, "prod", 1)
    assert denied.value.code == grpc.StatusCode.PERMISSION_DENIED
    assert str(denied.value).startswith(f"SetLabel at {server.target}: PERMISSION_DENIED: 'alice' may not call")
    with PredictionClient(server.target, credentials=tls_credentials(ca=pki / "ca.pem"), timeout=5) as anonymous:
        with pytest.raises(DlfError) as refused:  # the TLS handshake wants a client certificate
            anonymous.list_models()
    assert refused.value.code == grpc.StatusCode.UNAVAILABLE
