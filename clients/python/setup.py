"""Generates the gRPC stubs into the build, so no generated code lives in the source tree.

The .proto files are the repository's (../../proto/src/main/proto), or DLF_PROTO_DIR's.
"""
import os
import pathlib

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = pathlib.Path(__file__).resolve().parent


class BuildPyWithStubs(build_py):
    def run(self):
        super().run()
        self._generate(pathlib.Path(self.build_lib))

    @staticmethod
    def _generate(out):
        import grpc_tools
        from grpc_tools import protoc

        root = pathlib.Path(os.environ.get("DLF_PROTO_DIR", HERE / "../../proto/src/main/proto")).resolve()
        protos = sorted(str(p.relative_to(root)) for p in (root / "dlf").rglob("*.proto"))
        if not protos:
            raise RuntimeError(f"no .proto files under {root}/dlf: build from the repository, or set DLF_PROTO_DIR")
        well_known = pathlib.Path(grpc_tools.__file__).parent / "_proto"
        out.mkdir(parents=True, exist_ok=True)
        args = ["protoc", f"-I{root}", f"-I{well_known}", f"--python_out={out}", f"--pyi_out={out}",
                f"--grpc_python_out={out}", *protos]
        if protoc.main(args) != 0:
            raise RuntimeError("protoc failed: " + " ".join(args))


setup(cmdclass={"build_py": BuildPyWithStubs})
