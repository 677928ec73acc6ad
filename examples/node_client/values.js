'use strict';
// The protocol's values (docs/protocol.md, "Values"): tensors {"shape": [...], "data": [...]}
// with data flat in row-major order, and the JSON text of an answer.
//
// In memory a tensor is {shape: [d0, d1, ...], data: Float64Array}, so every computation is in
// float64, as `hello` announces.

/** A request the program cannot honour: answered {"ok": false, "error": message}, not a crash. */
class ProtocolError extends Error {}

/** The number of values of a tensor of this shape. */
function product(shape) {
  return shape.reduce((a, b) => a * b, 1);
}

/** A tensor of zeros, or one holding `data`. */
function tensor(shape, data = new Float64Array(product(shape))) {
  return { shape, data };
}

function sameShape(a, b) {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

const NON_FINITE = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/**
 * A request's tensor, read into float64. `what` names the field in error messages; `shape`,
 * when given, is the shape it must have. Numbers may also be the strings "NaN", "Infinity",
 * "-Infinity".
 */
function readTensor(value, what, shape) {
  if (value === null || typeof value !== 'object' || !Array.isArray(value.shape) || !Array.isArray(value.data)) {
    throw new ProtocolError(`${what}: expected a tensor {"shape": [...], "data": [...]}`);
  }
  if (!value.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ProtocolError(`${what}: shape ${JSON.stringify(value.shape)} is not a list of sizes`);
  }
  if (value.data.length !== product(value.shape)) {
    throw new ProtocolError(`${what}: shape [${value.shape}] needs ${product(value.shape)} values, got ${value.data.length}`);
  }
  if (shape && !sameShape(value.shape, shape)) {
    throw new ProtocolError(`${what} has shape [${value.shape}], expected [${shape}]`);
  }
  const data = Float64Array.from(value.data, (v, i) => {
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && v in NON_FINITE) return NON_FINITE[v];
    throw new ProtocolError(`${what}.data[${i}] = ${JSON.stringify(v)} is not a number`);
  });
  return tensor(value.shape.slice(), data);
}

// A number as JSON: JavaScript's shortest round-trip decimal (as nnbench writes), and the
// strings "NaN", "Infinity", "-Infinity" for the values JSON has no number for (JSON.stringify
// would write null, which nnbench reads as "not a number").
function numberText(x) {
  return Number.isFinite(x) ? String(x) : `"${x}"`;
}

/** One answer as a line of JSON; Float64Arrays become arrays of numbers. */
function writeJSON(value) {
  if (typeof value === 'number') return numberText(value);
  if (value instanceof Float64Array || Array.isArray(value)) {
    return `[${Array.from(value, writeJSON).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${fields.map(([k, v]) => `${JSON.stringify(k)}:${writeJSON(v)}`).join(',')}}`;
  }
  return JSON.stringify(value); // strings, booleans, null
}

module.exports = { ProtocolError, product, tensor, readTensor, writeJSON };
