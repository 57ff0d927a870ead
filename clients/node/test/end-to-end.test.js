'use strict';
// The Node client against real servers: a spec written as JSON trained to SUCCEEDED and watched, its
// version scored from raw values by model name, version and label, jobs listed and cancelled, and the
// servers' refusals kept (code, message, field violations). It trains on Frappe, or where Frappe is
// absent on synthetic-frappe (the trainer generates it with Frappe's fields); under CI=true, where the
// data lies beside the checkout, an absent Frappe fails the run instead.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { after, before, describe, test } = require('node:test');
const { DlfError, PredictionClient, TrainerClient } = require('../src');
const { DATA, REPO, startServing, startTrainer } = require('./servers');

const MODEL = 'frappe-node';
const FEATURES = ['user', 'item', 'daytime', 'weekday', 'isweekend', 'homework', 'cost', 'weather', 'country', 'city'];
const TRAINING = { max_epochs: 1, batch_size: 4096, seed: 7, device: 'CPU', progress_every_steps: 10 };
const SPEC_JSON = fs.readFileSync(path.join(REPO, 'clients', 'testing', 'frappe-tiny-dlf.json'), 'utf8');
const FRAPPE = 'frappe';
const GENERATED = 'synthetic-frappe';
const FRAPPE_ABSENT = fs.existsSync(path.join(DATA, FRAPPE)) ? null
  : `dataset '${FRAPPE}' is not under ${DATA} (set DLF_DATA to the folder holding ${FRAPPE}/)`;
const DATASET = FRAPPE_ABSENT ? GENERATED : FRAPPE;

const servers = [];
let workdir; let trainer; let serving;
let job; let events;

before(async () => {
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlf-node-'));
  if (FRAPPE_ABSENT && process.env.CI?.toLowerCase() === 'true') {
    throw new Error(`CI=true, so the data should be there: ${FRAPPE_ABSENT}`);
  }
  if (FRAPPE_ABSENT) console.log(`training on ${GENERATED}: ${FRAPPE_ABSENT}`);
  const trainerServer = await startTrainer(workdir);
  servers.push(trainerServer);
  await trainerServer.waitReady();
  const servingServer = await startServing(workdir);
  servers.push(servingServer);
  await servingServer.waitReady();
  trainer = new TrainerClient(trainerServer.target);
  serving = new PredictionClient(servingServer.target);

  const submitted = await trainer.submit(SPEC_JSON, { dataset: DATASET, training: TRAINING, modelName: MODEL });
  events = [];
  for await (const event of trainer.watch(submitted.id)) events.push(event);
  job = await trainer.get(submitted.id);
}, { timeout: 600000 });

after(async () => {
  trainer?.close();
  serving?.close();
  await Promise.all(servers.map((server) => server.stop()));
  fs.rmSync(workdir, { recursive: true, force: true });
});

describe('TrainerClient', () => {
  test('a JSON spec trains to SUCCEEDED and the watch sees every stage', () => {
    assert.equal(job.state, 'SUCCEEDED', job.failure?.message);
    assert.equal(job.model_name, MODEL);
    assert.equal(job.version, 1);
    assert.ok(job.metrics.test.auc > 0.5 && job.metrics.test.auc < 1);

    const kinds = events.map((event) => event.event);
    assert.equal(kinds[0], 'snapshot');
    for (const kind of ['progress', 'epoch_ended', 'result']) assert.ok(kinds.includes(kind), kinds.join());
    const { result } = events.find((event) => event.event === 'result');
    assert.deepEqual([result.model_name, result.version], [MODEL, 1]);
    assert.equal(events.at(-1).state_changed.state, 'SUCCEEDED');
  });

  test('jobs are listed and an ended job cannot be cancelled', async () => {
    assert.ok((await trainer.list({ states: ['SUCCEEDED'] })).some((j) => j.id === job.id));
    assert.ok(!(await trainer.list({ states: ['RUNNING', 'QUEUED'] })).some((j) => j.id === job.id));
    await assert.rejects(trainer.cancel(job.id), { name: 'DlfError', codeName: 'FAILED_PRECONDITION' });
  });

  test('a job that exported has no export to retry', async () => {
    await assert.rejects(trainer.retryExport(job.id), (error) => error.name === 'DlfError'
      && error.codeName === 'FAILED_PRECONDITION'
      && error.details.includes(`job ${job.id} already succeeded: it exported version 1 of ${MODEL}`));
  });

  test('a running job is cancelled', async () => {
    const running = await trainer.submit(JSON.parse(SPEC_JSON),
      { dataset: DATASET, training: TRAINING, modelName: 'frappe-node-cancelled' });
    for await (const event of trainer.watch(running.id)) {
      assert.equal(event.event, 'snapshot');
      break; // leaving a watch early cancels its stream, not the job
    }
    assert.ok(['QUEUED', 'RUNNING'].includes((await trainer.get(running.id)).state));
    await trainer.cancel(running.id);
    for await (const event of trainer.watch(running.id)) assert.notEqual(event.event, 'result');
    assert.equal((await trainer.get(running.id)).state, 'CANCELLED');
  });

  test('an invalid spec is refused with the field path', async () => {
    const spec = JSON.parse(SPEC_JSON);
    spec.features[0].name = 'colour'; // not a column of Frappe, nor of synthetic-frappe
    const error = await trainer.submit(spec, { dataset: DATASET, training: TRAINING })
      .then(() => assert.fail('accepted'), (e) => e);
    assert.ok(error instanceof DlfError, String(error));
    assert.equal(error.codeName, 'INVALID_ARGUMENT');
    assert.deepEqual(error.fieldViolations.map((v) => v.field), ['model_spec.features[0].name']);
    assert.ok(error.message.startsWith(`SubmitJob at ${trainer.connection.target}: INVALID_ARGUMENT: ${error.details}`));
    assert.ok(error.message.includes('\n  model_spec.features[0].name: '), error.message);
  });

  test('an unknown job is not found', async () => {
    await assert.rejects(trainer.get('no-such-job'), { codeName: 'NOT_FOUND' });
  });

  test('a spec with an unknown field is refused before sending', async () => {
    const spec = JSON.parse(SPEC_JSON);
    spec.embedding.dimension = 8; // the field is dim
    await assert.rejects(trainer.submit(spec), /embedding\.dimension: no such field in dlf\.spec\.v1\.Embedding$/);
  });
});

describe('PredictionClient', () => {
  let rows;
  before(async () => {
    await serving.reload(MODEL); // no need to wait for the next poll
    rows = testRows(3);
  });

  test('raw features are scored by model name and version', async () => {
    const predictions = await serving.predict(MODEL, rows);
    assert.deepEqual([predictions.model, predictions.version], [MODEL, job.version]);
    assert.equal(predictions.probabilities.length, rows.length);
    for (const p of predictions.probabilities) assert.ok(p > 0 && p < 1, String(p));
    assert.deepEqual((await serving.predict(MODEL, rows, { version: job.version })).probabilities,
      predictions.probabilities);
  });

  test('a label set through the model service routes predictions', async () => {
    const status = await serving.setLabel(MODEL, 'stable', job.version);
    assert.equal(status.labels.stable, job.version);
    const byLabel = await serving.predict(MODEL, rows, { label: 'stable' });
    assert.equal(byLabel.version, job.version);
    assert.deepEqual(byLabel.probabilities, (await serving.predict(MODEL, rows)).probabilities);
    assert.ok((await serving.listModels()).some((model) => model.name === MODEL));
  });

  test('literal values unseen in training are scored', async () => {
    const example = { ...rows[0], user: 'someone new' };
    const [p] = (await serving.predict(MODEL, [example])).probabilities;
    assert.ok(p > 0 && p < 1, String(p));
  });

  test('an unknown model or label is not found', async () => {
    await assert.rejects(serving.predict('no-such-model', rows), { codeName: 'NOT_FOUND' });
    await assert.rejects(serving.predict(MODEL, rows, { label: 'no-such-label' }), { codeName: 'NOT_FOUND' });
  });

  test('an example missing a feature is invalid', async () => {
    const { city, ...example } = rows[0];
    const error = await serving.predict(MODEL, [example]).then(() => assert.fail('accepted'), (e) => e);
    assert.equal(error.codeName, 'INVALID_ARGUMENT');
    assert.match(error.details, /city/);
  });
});

/** The first rows of the test split as raw values (the generated one lies in the trainer's data dir). */
function testRows(count) {
  if (DATASET === FRAPPE) {
    // each field's value is its libFM index
    const lines = zlib.gunzipSync(fs.readFileSync(path.join(DATA, FRAPPE, 'frappe.test.libfm.gz')))
      .toString('utf8').split('\n').slice(0, count);
    return lines.map((line) => Object.fromEntries(
      line.trim().split(/\s+/).slice(1).map((pair, i) => [FEATURES[i], pair.split(':')[0]])));
  }
  const [header, ...lines] = fs.readFileSync(path.join(workdir, 'trainer', 'datasets', GENERATED, 'test.tsv'), 'utf8')
    .split('\n').slice(0, count + 1);
  const columns = header.split('\t');
  return lines.map((line) => Object.fromEntries(
    line.split('\t').map((value, i) => [columns[i], value]).filter(([name]) => FEATURES.includes(name))));
}
