'use strict';
// TrainerClient: submit training jobs, follow them, cancel them, retry failed exports
// (dlf.trainer.v1.TrainerService).
const { Connection } = require('./connection');
const { checked } = require('./messages');
const { services } = require('./protos');

class TrainerClient {
  /**
   * A trainer server at target ("host:port"). Options: timeoutMs for every unary call (default
   * 30 s), streamTimeoutMs for watch (default none), credentials (tlsCredentials(...) or
   * grpc.credentials.createSsl() for TLS), token or tokenFile (a bearer token; default $DLF_TOKEN, else the
   * file $DLF_TOKEN_FILE names; never sent in plaintext beyond loopback).
   */
  constructor(target, options = {}) {
    this.connection = new Connection(target, options);
    this.stub = new services.dlf.trainer.v1.TrainerService(target, this.connection.credentials);
  }

  /**
   * Queues a job and resolves to it. spec: the model spec as JSON text or its JSON object (what the
   * Java DSL's SpecJson writes, snake_case). dataset: a registered dataset's name or a DatasetRef
   * object; training: a TrainingSettings object (e.g. {max_epochs: 1, device: 'CPU'}); modelName:
   * the model to export to; requestId: an idempotency key.
   */
  async submit(spec, { dataset = 'frappe', training = {}, modelName = '', requestId = '' } = {}) {
    return this.connection.unary(this.stub, 'SubmitJob', { // async: a bad spec rejects too
      model_spec: checked('dlf.spec.v1.ModelSpec', spec),
      dataset: typeof dataset === 'string' ? { name: dataset } : checked('dlf.trainer.v1.DatasetRef', dataset),
      training: checked('dlf.trainer.v1.TrainingSettings', training),
      export: { model_name: modelName },
      request_id: requestId,
    });
  }

  get(jobId) {
    return this.connection.unary(this.stub, 'GetJob', { job_id: jobId });
  }

  /** Every job (newest first), or only those in states (names such as 'RUNNING'). */
  async list({ states = [], pageSize = 100 } = {}) {
    const jobs = [];
    let pageToken = '';
    do {
      const page = await this.connection.unary(this.stub, 'ListJobs',
        { states, page_size: pageSize, page_token: pageToken });
      jobs.push(...page.jobs);
      pageToken = page.next_page_token;
    } while (pageToken);
    return jobs;
  }

  cancel(jobId) {
    return this.connection.unary(this.stub, 'CancelJob', { job_id: jobId });
  }

  /**
   * Exports again the trained model of a job whose export failed (job.exportable), once the cause (a
   * full disk, a folder the trainer may not write) is fixed; resolves to the job, queued.
   */
  retryExport(jobId) {
    return this.connection.unary(this.stub, 'RetryExport', { job_id: jobId });
  }

  /**
   * The job's events as an async iterable, a snapshot first; it ends when the job ends. event.event
   * names which is set: snapshot, state_changed, progress, epoch_ended or result.
   */
  watch(jobId) {
    return this.connection.stream(this.stub, 'WatchJob', { job_id: jobId });
  }

  close() {
    this.stub.close();
  }
}

module.exports = { TrainerClient };
