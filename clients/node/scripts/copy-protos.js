'use strict';
// npm pack: puts the repository's dlf/**/*.proto into proto/, so the published package is self-contained
// (postpack removes the copy again, so a checkout always reads the repository's own files).
const fs = require('node:fs');
const path = require('node:path');

const from = path.join(__dirname, '..', '..', '..', 'proto', 'src', 'main', 'proto', 'dlf');
const to = path.join(__dirname, '..', 'proto', 'dlf');
fs.rmSync(to, { recursive: true, force: true });
fs.cpSync(from, to, { recursive: true, filter: (p) => fs.statSync(p).isDirectory() || p.endsWith('.proto') });
