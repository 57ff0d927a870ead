"""Starts the real trainer and serving servers as child java processes on free loopback ports.

They run from the class paths `bin/build-classpath.sh` writes; the trainer reads datasets from
$DLF_DATA, else <repo>/../shared/data, and exports into the folder the serving server watches.
"""
import os
import pathlib
import socket
import subprocess
import time

import grpc

REPO = pathlib.Path(__file__).resolve().parents[3]
DATA = pathlib.Path(os.environ.get("DLF_DATA") or REPO.parent / "shared" / "data").resolve()


def module_classpath(module):
    """The class path bin/build-classpath.sh left for a module: its classes and its dependencies."""
    classpath_file = REPO / module / "target" / "classpath.txt"
    if not classpath_file.exists():
        raise RuntimeError(f"{classpath_file} is missing: run `bin/build-classpath.sh` first")
    return f"{REPO / module / 'target' / 'classes'}:{classpath_file.read_text().strip()}"


class JavaServer:
    def __init__(self, module, main_class, args, log_path):
        classpath = module_classpath(module)
        self.port = _free_port()
        self.target = f"127.0.0.1:{self.port}"
        self.log_path = log_path
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                ["java", "-Xmx2g", f"-Dorg.bytedeco.javacpp.cachedir={REPO / '.cache' / 'javacpp'}", "-cp", classpath,
                 main_class, "--port", str(self.port), "--metrics-port", "-1", *args],
                stdout=log, stderr=subprocess.STDOUT, env=env)

    def wait_ready(self, seconds=120, credentials=None):
        """Returns once the port takes gRPC connections (TLS ones with credentials); fails early if the process
        died."""
        deadline = time.monotonic() + seconds
        channel = grpc.secure_channel(self.target, credentials) if credentials else grpc.insecure_channel(self.target)
        with channel:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log()}")
                try:
                    grpc.channel_ready_future(channel).result(timeout=1)
                    return self
                except grpc.FutureTimeoutError:
                    pass
        raise RuntimeError(f"server not ready on {self.target} after {seconds} s:\n{self.log()}")

    def stop(self):
        self.process.terminate()  # SIGTERM: the servers shut down gracefully
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log(self):
        return pathlib.Path(self.log_path).read_text(errors="replace")[-4000:]


def start_trainer(workdir):
    """A trainer keeping its jobs under workdir/trainer and exporting into workdir/trainer/models."""
    # A data root must be a folder: without DATA, an empty one (the trainer still has its generated datasets).
    data_root = DATA if DATA.is_dir() else workdir / "no-data"
    data_root.mkdir(exist_ok=True)
    return JavaServer("trainer-server", "io.dlf.trainer.server.TrainerServerMain",
                      ["--data-dir", str(workdir / "trainer"), "--data-root", str(data_root), "--cpu-only",
                       "--tf-intra-threads", "2", "--tf-inter-threads", "1",
                       "--worker-classpath", module_classpath("trainer-worker")],
                      workdir / "trainer.log")


def start_serving(workdir, auth=(), name="serving"):
    """A serving server over the model repository of start_trainer(workdir) (created if still missing); auth: its
    --auth-* options, if any."""
    (workdir / "trainer" / "models").mkdir(parents=True, exist_ok=True)
    return JavaServer("serving-server", "io.dlf.serving.ServingServerMain",
                      ["--host", "127.0.0.1", "--model-repository", str(workdir / "trainer" / "models"),
                       "--poll-interval", "1s", "--tf-intra-threads", "1", "--tf-inter-threads", "1", *auth],
                      workdir / f"{name}.log")


def make_pki(directory, *names):
    """A throwaway CA under directory (clients/testing/make-test-pki.sh): ca.pem, server.pem/.key, NAME.pem/.key."""
    subprocess.run([str(REPO / "clients" / "testing" / "make-test-pki.sh"), str(directory), *names], check=True)
    return directory


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
