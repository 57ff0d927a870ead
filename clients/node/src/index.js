'use strict';
// Node client for the DLF platform's trainer and serving servers.
const { tlsCredentials } = require('./connection');
const { DlfError } = require('./errors');
const { PredictionClient } = require('./prediction');
const { TrainerClient } = require('./trainer');

module.exports = { DlfError, PredictionClient, TrainerClient, tlsCredentials };
