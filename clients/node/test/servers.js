'use strict';
// Starts the real trainer and serving servers as child java processes on free loopback ports, from the
// class paths `bin/build-classpath.sh` writes. The trainer reads datasets from $DLF_DATA, else
// <repo>/../shared/data, and exports into the folder the serving server watches.
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');

const REPO = path.resolve(__dirname, '..', '..', '..');
const DATA = path.resolve(process.env.DLF_DATA || path.join(REPO, '..', 'shared', 'data'));

/** The class path bin/build-classpath.sh left for a module: its classes and its dependencies. */
function moduleClasspath(module) {
  const classpathFile = path.join(REPO, module, 'target', 'classpath.txt');
  if (!fs.existsSync(classpathFile)) {
    throw new Error(`${classpathFile} is missing: run "bin/build-classpath.sh" first`);
  }
  return `${path.join(REPO, module, 'target', 'classes')}:${fs.readFileSync(classpathFile, 'utf8').trim()}`;
}

class JavaServer {
  static async start(module, mainClass, args, logPath) {
    const classpath = moduleClasspath(module);
    const port = await freePort();
    const log = fs.openSync(logPath, 'w');
    const child = spawn('java', ['-Xmx2g', `-Dorg.bytedeco.javacpp.cachedir=${path.join(REPO, '.cache', 'javacpp')}`,
      '-cp', classpath, mainClass, '--port', String(port), '--metrics-port', '-1', ...args],
    { stdio: ['ignore', log, log], env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } });
    fs.closeSync(log);
    return new JavaServer(child, `127.0.0.1:${port}`, logPath);
  }

  constructor(child, target, logPath) {
    Object.assign(this, { child, target, logPath });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Resolves once the port takes gRPC connections (TLS ones with credentials); rejects early if the process died. */
  async waitReady(ms = 120000, credentials = grpc.credentials.createInsecure()) {
    const client = new grpc.Client(this.target, credentials);
    try {
      const ready = new Promise((resolve, reject) => client.waitForReady(Date.now() + ms,
        (error) => (error ? reject(new Error(`not ready on ${this.target}: ${error.message}\n${this.log()}`)) : resolve(this))));
      const died = this.exited.then((code) => { throw new Error(`server exited with ${code}:\n${this.log()}`); });
      return await Promise.race([ready, died]);
    } finally {
      client.close();
    }
  }

  /** SIGTERM (the servers shut down gracefully), SIGKILL after a minute. */
  async stop() {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 60000);
    await this.exited;
    clearTimeout(timer);
  }

  log() {
    return fs.readFileSync(this.logPath, 'utf8').slice(-4000);
  }
}

/** A trainer keeping its jobs under workdir/trainer and exporting into workdir/trainer/models. */
function startTrainer(workdir) {
  // A data root must be a folder: without DATA, an empty one (the trainer still has its generated datasets).
  const dataRoot = fs.existsSync(DATA) ? DATA : path.join(workdir, 'no-data');
  fs.mkdirSync(dataRoot, { recursive: true });
  return JavaServer.start('trainer-server', 'io.dlf.trainer.server.TrainerServerMain',
    ['--data-dir', path.join(workdir, 'trainer'), '--data-root', dataRoot, '--cpu-only',
      '--tf-intra-threads', '2', '--tf-inter-threads', '1', '--worker-classpath', moduleClasspath('trainer-worker')],
    path.join(workdir, 'trainer.log'));
}

/**
 * A serving server over the model repository of startTrainer(workdir) (created if still missing); auth: its
 * --auth-* options, if any.
 */
function startServing(workdir, auth = []) {
  const repository = path.join(workdir, 'trainer', 'models');
  fs.mkdirSync(repository, { recursive: true });
  return JavaServer.start('serving-server', 'io.dlf.serving.ServingServerMain',
    ['--host', '127.0.0.1', '--model-repository', repository, '--poll-interval', '1s',
      '--tf-intra-threads', '1', '--tf-inter-threads', '1', ...auth], path.join(workdir, 'serving.log'));
}

/** A throwaway CA under dir (clients/testing/make-test-pki.sh): ca.pem, server.pem/.key, NAME.pem/.key. */
function makePki(dir, ...names) {
  execFileSync(path.join(REPO, 'clients', 'testing', 'make-test-pki.sh'), [dir, ...names], { stdio: 'inherit' });
  return dir;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

module.exports = { DATA, REPO, makePki, startServing, startTrainer };
