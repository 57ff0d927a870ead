'use strict';
// Plain objects in the proto3 JSON form (snake_case) checked against their message type: the gRPC
// serializer drops unknown fields silently, so a typo (or a camelCase name) would go unnoticed.
const { types } = require('./protos');

function checked(typeName, value) {
  const object = typeof value === 'string' ? JSON.parse(value) : value;
  checkFields(types.lookupType(typeName), object, '');
  return object;
}

function checkFields(type, object, path) {
  if (object === null || typeof object !== 'object' || Array.isArray(object)) {
    throw new TypeError(`${path || type.fullName.slice(1)}: expected an object for ${type.fullName.slice(1)}`);
  }
  for (const [name, value] of Object.entries(object)) {
    const field = type.fields[name];
    const at = path ? `${path}.${name}` : name;
    if (!field) throw new TypeError(`${at}: no such field in ${type.fullName.slice(1)}`);
    field.resolve();
    if (!field.resolvedType?.fields || field.map) continue; // scalars, enums and maps: the serializer checks
    (field.repeated ? value : [value]).forEach((item, i) =>
      checkFields(field.resolvedType, item, field.repeated ? `${at}[${i}]` : at));
  }
}

module.exports = { checked };
