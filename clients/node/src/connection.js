'use strict';
// What both clients share: a deadline on every unary call (streams: only if asked), errors turned into DlfError.
const grpc = require('@grpc/grpc-js');
const { fromServiceError } = require('./errors');

class Connection {
  constructor(target, { timeoutMs = 30000, streamTimeoutMs, credentials = grpc.credentials.createInsecure() } = {}) {
    Object.assign(this, { target, timeoutMs, streamTimeoutMs, credentials });
  }

  unary(stub, method, request) {
    const deadline = new Date(Date.now() + this.timeoutMs);
    return new Promise((resolve, reject) => stub[method](request, { deadline }, (error, response) =>
      (error ? reject(fromServiceError(method, this.target, error)) : resolve(response))));
  }

  async* stream(stub, method, request) {
    const call = stub[method](request, this.streamTimeoutMs ? { deadline: new Date(Date.now() + this.streamTimeoutMs) } : {});
    try {
      for await (const message of call) yield message;
    } catch (error) {
      throw error.code === undefined ? error : fromServiceError(method, this.target, error);
    } finally {
      call.cancel(); // a watcher that stops early must not keep the stream open
    }
  }
}

module.exports = { Connection };
