"""What both clients share: a channel, its credentials, a deadline on every call, errors turned into DlfError."""
import ipaddress
import os
import socket

import grpc

from .errors import from_rpc_error


class Connection:
    def __init__(self, target, timeout, credentials, token=None, token_file=None):
        self.target = target
        self.timeout = timeout
        token = _token(token, token_file)
        if token and credentials is None and not _loopback(target):
            raise ValueError(f"refusing to send a bearer token in plaintext to {target}, which is not a loopback "
                             "address: pass TLS credentials (dlf_client.tls_credentials(...))")
        self._metadata = (("authorization", f"Bearer {token}"),) if token else None
        self.channel = (grpc.secure_channel(target, credentials) if credentials
                        else grpc.insecure_channel(target))

    def unary(self, method, stub_method, request):
        try:
            return stub_method(request, timeout=self.timeout, metadata=self._metadata)
        except grpc.RpcError as error:
            raise from_rpc_error(method, self.target, error) from None

    def stream(self, method, stub_method, request, timeout):
        call = stub_method(request, timeout=timeout, metadata=self._metadata)
        try:
            yield from call
        except grpc.RpcError as error:
            raise from_rpc_error(method, self.target, error) from None
        finally:
            call.cancel()  # a watcher that stops early must not keep the stream open

    def close(self):
        self.channel.close()


class Client:
    """A client owning one Connection: close() or a with-block releases its channel."""

    def __init__(self, target, timeout, credentials, token=None, token_file=None):
        self._connection = Connection(target, timeout, credentials, token, token_file)

    def close(self):
        self._connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def tls_credentials(ca=None, cert=None, key=None):
    """TLS channel credentials from PEM files: ca, the certificates to trust (None: the system's); cert and key,
    a client certificate and its private key for servers that identify callers by certificate (mTLS)."""
    if (cert is None) != (key is None):
        raise ValueError("a client certificate needs both cert and key")

    def read(path):
        with open(path, "rb") as pem:
            return pem.read()

    return grpc.ssl_channel_credentials(root_certificates=read(ca) if ca else None,
                                        private_key=read(key) if key else None,
                                        certificate_chain=read(cert) if cert else None)


def _token(token, token_file):
    """The bearer token: the argument, else the token_file's content, else $DLF_TOKEN, else $DLF_TOKEN_FILE's."""
    if token:
        return token.strip()
    if token_file:
        return _read_token(token_file)
    if os.environ.get("DLF_TOKEN"):
        return os.environ["DLF_TOKEN"].strip()
    if os.environ.get("DLF_TOKEN_FILE"):
        return _read_token(os.environ["DLF_TOKEN_FILE"])
    return None


def _read_token(path):
    with open(path, encoding="utf-8") as file:
        return file.read().strip()


def _loopback(target):
    host = target.rsplit(":", 1)[0].strip("[]")
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        try:
            return all(ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None))
        except OSError:
            return False
