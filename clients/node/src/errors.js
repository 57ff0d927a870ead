'use strict';
// One error type for every failed call, keeping what the server said.
const grpc = require('@grpc/grpc-js');
const protobuf = require('protobufjs');

// The parts of google.rpc.Status and google.rpc.BadRequest the client reads (same field numbers).
const rich = protobuf.Root.fromJSON({
  nested: {
    Any: { fields: { type_url: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } },
    Status: { fields: { details: { rule: 'repeated', type: 'Any', id: 3 } } },
    BadRequest: {
      fields: { field_violations: { rule: 'repeated', type: 'FieldViolation', id: 1 } },
      nested: { FieldViolation: { fields: { field: { type: 'string', id: 1 }, description: { type: 'string', id: 2 } } } },
    },
  },
});

/**
 * A call the server refused or could not answer: code (a grpc.status number) and codeName, details
 * (the server's message as sent), fieldViolations ({field, description} of a google.rpc.BadRequest
 * the server attached), which the message lists one per line.
 */
class DlfError extends Error {
  constructor(method, target, code, details, fieldViolations = []) {
    const codeName = grpc.status[code] ?? String(code);
    super([`${method} at ${target}: ${codeName}: ${details}`,
      ...fieldViolations.map((v) => `  ${v.field}: ${v.description}`)].join('\n'));
    this.name = 'DlfError';
    Object.assign(this, { method, target, code, codeName, details, fieldViolations });
  }
}

function fromServiceError(method, target, error) {
  return new DlfError(method, target, error.code, error.details ?? error.message, violations(error));
}

function violations(error) {
  const [bytes] = error.metadata?.get('grpc-status-details-bin') ?? [];
  if (!bytes) return [];
  return rich.lookupType('Status').decode(bytes).details
    .filter((any) => any.type_url.endsWith('/google.rpc.BadRequest'))
    .flatMap((any) => rich.lookupType('BadRequest').decode(any.value).field_violations)
    .map(({ field, description }) => ({ field, description }));
}

module.exports = { DlfError, fromServiceError };
