"""One exception type for every failed call, keeping what the server said."""
import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status


class DlfError(Exception):
    """A call the server refused or could not answer.

    code: the grpc.StatusCode; details: the server's message as sent; field_violations: the
    (field path, description) pairs of a google.rpc.BadRequest the server attached, if any, which
    the exception's text lists one per line, as dlfctl does.
    """

    def __init__(self, method, target, code, details, field_violations=()):
        self.method = method
        self.target = target
        self.code = code
        self.details = details
        self.field_violations = list(field_violations)
        text = f"{method} at {target}: {code.name}: {details}"
        super().__init__("".join([text, *(f"\n  {field}: {rule}" for field, rule in self.field_violations)]))


def from_rpc_error(method, target, error):
    return DlfError(method, target, error.code(), error.details() or "", _violations(error))


def _violations(error):
    # The rich status travels in the call's trailers; only calls (not plain RpcErrors) carry them.
    if not isinstance(error, grpc.Call):
        return []
    status = rpc_status.from_call(error)
    if status is None:
        return []
    found = []
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad_request = error_details_pb2.BadRequest()
            detail.Unpack(bad_request)
            found += [(v.field, v.description) for v in bad_request.field_violations]
    return found
