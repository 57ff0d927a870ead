'use strict';
// Loads the platform's .proto files at runtime: the copy packed into this package (proto/), else the
// repository's proto/src/main/proto (a checkout), or DLF_PROTO_DIR.
const fs = require('node:fs');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');

const FILES = ['dlf/trainer/v1/trainer.proto', 'dlf/serving/v1/serving.proto'];

function protoRoot() {
  const candidates = [process.env.DLF_PROTO_DIR, path.join(__dirname, '..', 'proto'),
    path.join(__dirname, '..', '..', '..', 'proto', 'src', 'main', 'proto')].filter(Boolean);
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, FILES[0])));
  if (!found) throw new Error(`no .proto files found in ${candidates.join(', ')}: set DLF_PROTO_DIR`);
  return found;
}

const root = protoRoot();
// snake_case field names, as in the .proto files and the spec JSON the Java DSL writes.
const options = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true, includeDirs: [root] };
const services = grpc.loadPackageDefinition(protoLoader.loadSync(FILES, options));

// The same definitions as reflection types, to check plain objects before they are sent.
const types = new protobuf.Root();
types.resolvePath = (origin, target) => (target.startsWith('google/protobuf/') ? target : path.join(root, target));
types.loadSync(FILES, { keepCase: true });

module.exports = { services, types };
