'use strict';
// PredictionClient: probabilities from raw feature values, and the served models' versions and labels
// (dlf.serving.v1.PredictionService and ModelService).
const { Connection } = require('./connection');
const { services } = require('./protos');

class PredictionClient {
  /** A serving server at target ("host:port"); options as for TrainerClient. */
  constructor(target, options = {}) {
    this.connection = new Connection(target, options);
    const v1 = services.dlf.serving.v1;
    this.predictions = new v1.PredictionService(target, this.connection.credentials);
    this.models = new v1.ModelService(target, this.connection.credentials);
  }

  /**
   * Click probabilities for examples, each an object of raw feature values by feature name: a string
   * is categorical, a number numeric (null: missing), an array a sequence's tokens. With neither
   * version nor label the latest version answers. Resolves to {model, version, probabilities}.
   */
  async predict(model, examples, { version, label } = {}) {
    const response = await this.connection.unary(this.predictions, 'Predict', {
      model: modelSpec(model, version, label),
      examples: examples.map((example) => ({ features: mapValues(example, featureValue) })),
    });
    return { model: response.model, version: response.version, probabilities: response.probabilities };
  }

  async listModels() {
    return (await this.connection.unary(this.models, 'ListModels', {})).models;
  }

  modelStatus(name, version = 0) {
    return this.connection.unary(this.models, 'GetModelStatus', { name, version });
  }

  modelMetadata(model, { version, label } = {}) {
    return this.connection.unary(this.models, 'GetModelMetadata', { model: modelSpec(model, version, label) });
  }

  /** Points label at an AVAILABLE version of model (creating or moving it). */
  setLabel(model, label, version) {
    return this.connection.unary(this.models, 'SetLabel', { model, label, version });
  }

  removeLabel(model, label) {
    return this.connection.unary(this.models, 'RemoveLabel', { model, label });
  }

  /** Scans the repository now (one model, or all) and resolves once the loads it started settled. */
  async reload(model = '') {
    return (await this.connection.unary(this.models, 'Reload', { model })).models;
  }

  close() {
    this.predictions.close();
    this.models.close();
  }
}

function modelSpec(name, version, label) {
  if (version !== undefined && label !== undefined) throw new TypeError('give a version or a label, not both');
  if (label !== undefined) return { name, label };
  return version !== undefined ? { name, version } : { name };
}

function featureValue(value, name) {
  if (typeof value === 'string') return { string_value: value };
  if (typeof value === 'number') return { float_value: value };
  if (value === null || value === undefined) return { float_value: NaN };
  if (Array.isArray(value)) return { tokens: { tokens: value.map(String) } };
  throw new TypeError(`feature ${name}: ${typeof value} is not a string, number, null or array of tokens`);
}

function mapValues(object, fn) {
  return Object.fromEntries(Object.entries(object).map(([name, value]) => [name, fn(value, name)]));
}

module.exports = { PredictionClient };
