"""What both clients share: a channel, a deadline on every call, errors turned into DlfError."""
import grpc

from .errors import from_rpc_error


class Connection:
    def __init__(self, target, timeout, credentials):
        self.target = target
        self.timeout = timeout
        self.channel = (grpc.secure_channel(target, credentials) if credentials
                        else grpc.insecure_channel(target))

    def unary(self, method, stub_method, request):
        try:
            return stub_method(request, timeout=self.timeout)
        except grpc.RpcError as error:
            raise from_rpc_error(method, self.target, error) from None

    def stream(self, method, stub_method, request, timeout):
        call = stub_method(request, timeout=timeout)
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

    def __init__(self, target, timeout, credentials):
        self._connection = Connection(target, timeout, credentials)

    def close(self):
        self._connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
