'use strict';
// What both clients share: credentials, a deadline on every unary call (streams: only if asked), errors turned
// into DlfError.
const fs = require('node:fs');
const net = require('node:net');
const grpc = require('@grpc/grpc-js');
const { fromServiceError } = require('./errors');

class Connection {
  /**
   * credentials: TLS channel credentials (tlsCredentials(...)), absent for plaintext. token / tokenFile: a bearer
   * token for servers that require one (default: $DLF_TOKEN, else the file $DLF_TOKEN_FILE names), never sent in
   * plaintext beyond loopback.
   */
  constructor(target, { timeoutMs = 30000, streamTimeoutMs, credentials, token, tokenFile } = {}) {
    const bearer = bearerToken(token, tokenFile);
    if (bearer && !credentials && !loopback(target)) {
      throw new Error(`refusing to send a bearer token in plaintext to ${target}, which is not a loopback address: `
        + 'pass TLS credentials (tlsCredentials(...))');
    }
    this.metadata = new grpc.Metadata();
    if (bearer) this.metadata.set('authorization', `Bearer ${bearer}`);
    Object.assign(this, { target, timeoutMs, streamTimeoutMs, credentials: credentials ?? grpc.credentials.createInsecure() });
  }

  unary(stub, method, request) {
    const deadline = new Date(Date.now() + this.timeoutMs);
    return new Promise((resolve, reject) => stub[method](request, this.metadata, { deadline }, (error, response) =>
      (error ? reject(fromServiceError(method, this.target, error)) : resolve(response))));
  }

  async* stream(stub, method, request) {
    const call = stub[method](request, this.metadata,
      this.streamTimeoutMs ? { deadline: new Date(Date.now() + this.streamTimeoutMs) } : {});
    try {
      for await (const message of call) yield message;
    } catch (error) {
      throw error.code === undefined ? error : fromServiceError(method, this.target, error);
    } finally {
      call.cancel(); // a watcher that stops early must not keep the stream open
    }
  }
}

/** TLS channel credentials from PEM files: ca to trust (absent: the system's), cert and key for mTLS. */
function tlsCredentials({ ca, cert, key } = {}) {
  if (Boolean(cert) !== Boolean(key)) throw new Error('a client certificate needs both cert and key');
  const read = (file) => (file ? fs.readFileSync(file) : null);
  return grpc.credentials.createSsl(read(ca), read(key), read(cert));
}

function bearerToken(token, tokenFile) {
  if (token) return token.trim();
  if (tokenFile) return fs.readFileSync(tokenFile, 'utf8').trim();
  if (process.env.DLF_TOKEN) return process.env.DLF_TOKEN.trim();
  if (process.env.DLF_TOKEN_FILE) return fs.readFileSync(process.env.DLF_TOKEN_FILE, 'utf8').trim();
  return null;
}

function loopback(target) {
  const host = target.slice(0, target.lastIndexOf(':')).replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  return net.isIPv6(host) && (host === '::1' || host === '0:0:0:0:0:0:0:1');
}

module.exports = { Connection, tlsCredentials };
