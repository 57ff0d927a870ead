'use strict';
// The Node client against serving servers that require credentials: a bearer token (static tokens and a policy
// file, on loopback): a token with the role gets answers, none is UNAUTHENTICATED, one without the role is
// PERMISSION_DENIED, each a one-line DlfError; no token is sent in plaintext beyond loopback; and a client
// certificate (mTLS, with a CA made for the run) that is the principal.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { after, before, test } = require('node:test');
const { PredictionClient, tlsCredentials } = require('../src');
const { makePki, startServing } = require('./servers');

const OPS = crypto.randomBytes(32).toString('hex');
const PREDICTOR = crypto.randomBytes(32).toString('hex');
const sha256 = (token) => crypto.createHash('sha256').update(token).digest('hex');

let workdir; let server; let mtls; let pki;

before(async () => {
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlf-node-auth-'));
  const tokens = path.join(workdir, 'tokens.txt');
  fs.writeFileSync(tokens, `ops = sha256:${sha256(OPS)}\npredictor = sha256:${sha256(PREDICTOR)}\n`);
  const policy = path.join(workdir, 'policy.txt');
  fs.writeFileSync(policy, 'ops = models.manage\npredictor = predict:ctr\n');
  server = await startServing(workdir, ['--auth-tokens', tokens, '--auth-policy', policy]);
  await server.waitReady();

  pki = makePki(path.join(workdir, 'pki'), 'alice');
  const mtlsDir = path.join(workdir, 'mtls');
  fs.mkdirSync(mtlsDir);
  const mtlsPolicy = path.join(mtlsDir, 'policy.txt');
  fs.writeFileSync(mtlsPolicy, 'alice = models.read\n');
  mtls = await startServing(mtlsDir, ['--tls-cert', path.join(pki, 'server.pem'), '--tls-key',
    path.join(pki, 'server.key'), '--tls-client-ca', path.join(pki, 'ca.pem'), '--auth-policy', mtlsPolicy]);
  await mtls.waitReady(120000, alice());
}, { timeout: 240000 });

after(async () => {
  await Promise.all([server?.stop(), mtls?.stop()]);
  fs.rmSync(workdir, { recursive: true, force: true });
});

test('a token with the role gets answers, from the option, a file or $DLF_TOKEN', async () => {
  const tokenFile = path.join(workdir, 'ops.token');
  fs.writeFileSync(tokenFile, `${OPS}\n`);
  for (const options of [{ token: OPS }, { tokenFile }]) {
    const client = new PredictionClient(server.target, options);
    try {
      assert.deepEqual(await client.listModels(), []);
    } finally {
      client.close();
    }
  }
  process.env.DLF_TOKEN = PREDICTOR;
  const predictor = new PredictionClient(server.target);
  delete process.env.DLF_TOKEN;
  try {
    // predict:ctr lets the call through to the server, which has no such model yet
    await assert.rejects(predictor.predict('ctr', [{ user: '1' }]), { name: 'DlfError', codeName: 'NOT_FOUND' });
  } finally {
    predictor.close();
  }
});

test('refusals are one clear line', async () => {
  const anonymous = new PredictionClient(server.target);
  const predictor = new PredictionClient(server.target, { token: PREDICTOR });
  try {
    await assert.rejects(anonymous.listModels(), {
      name: 'DlfError',
      codeName: 'UNAUTHENTICATED',
      message: `ListModels at ${server.target}: UNAUTHENTICATED: the serving server needs credentials: a bearer token `
        + '(authorization: Bearer TOKEN)',
    });
    for (const call of [() => predictor.setLabel('ctr', 'prod', 1), () => predictor.reload()]) {
      await assert.rejects(call(), (error) => {
        assert.equal(error.codeName, 'PERMISSION_DENIED');
        assert.match(error.message, /^[^\n]*that needs the role models\.manage[^\n]*$/);
        return true;
      });
    }
  } finally {
    anonymous.close();
    predictor.close();
  }
});

test('no token is sent in plaintext beyond loopback', () => {
  assert.throws(() => new PredictionClient('192.0.2.1:8500', { token: OPS }),
    /refusing to send a bearer token in plaintext to 192\.0\.2\.1:8500/);
});

function alice() {
  return tlsCredentials({ ca: path.join(pki, 'ca.pem'), cert: path.join(pki, 'alice.pem'), key: path.join(pki, 'alice.key') });
}

test('a client certificate is the principal', async () => {
  const client = new PredictionClient(mtls.target, { credentials: alice() });
  try {
    assert.deepEqual(await client.listModels(), []);
    await assert.rejects(client.setLabel('ctr', 'prod', 1), (error) => {
      assert.equal(error.codeName, 'PERMISSION_DENIED');
      assert.ok(error.message.startsWith(`SetLabel at ${mtls.target}: PERMISSION_DENIED: 'alice' may not call`),
        error.message);
      return true;
    });
  } finally {
    client.close();
  }
});
