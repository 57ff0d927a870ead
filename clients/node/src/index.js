'use strict';
// Node client for the DLF platform's trainer and serving servers.
const { DlfError } = require('./errors');
const { PredictionClient } = require('./prediction');
const { TrainerClient } = require('./trainer');

module.exports = { DlfError, PredictionClient, TrainerClient };
