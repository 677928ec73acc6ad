#!/usr/bin/env node
'use strict';
// A client of nnbench's model protocol, version 2 (docs/protocol.md), in plain Node.js: no
// packages, float64 throughout.
//
//   nnbench check --exec "node examples/node_client/nnbench_client.js"
//
// It reads one JSON request per line on standard input and writes exactly one JSON answer per
// line on standard output. Nothing else goes to standard output: its log (one line per refused
// request) goes to standard error.

const readline = require('node:readline');
const { ProtocolError, tensor, readTensor, writeJSON } = require('./values.js');
const { Network, LAYER_TYPES } = require('./network.js');
const { LOSSES } = require('./losses.js');
const { Optimizer, FIELDS, readOptimizer } = require('./optimizers.js');

const NAME = 'nnbench-node-client';
const VERSION_1 = {
  ops: ['gradients', 'step', 'trace'],
  layers: ['dense', 'relu', 'tanh', 'sigmoid', 'identity', 'leaky_relu', 'conv2d', 'maxpool2d', 'flatten', 'dropout'],
  optimizers: ['sgd', 'adam'],
};
const VERSION_2 = {
  ops: [...VERSION_1.ops, 'layer_gradients', 'layer_forward', 'loss_from_layer'],
  layers: Object.keys(LAYER_TYPES),
  optimizers: Object.keys(FIELDS),
};

function flag(request, key, fallback) {
  const v = request[key] === undefined ? fallback : request[key];
  if (typeof v !== 'boolean') throw new ProtocolError(`${key} must be true or false, got ${JSON.stringify(request[key])}`);
  return v;
}

function layerIndex(request, last) {
  const L = request.layer;
  if (!Number.isInteger(L) || L < 0 || L > last) throw new ProtocolError(`layer must be an integer in 0 … ${last}, got ${JSON.stringify(L)}`);
  return L;
}

class Client {
  constructor() {
    this.net = null;
    this.optimizer = new Optimizer();
  }

  built() {
    if (!this.net) throw new ProtocolError('no network: send build first');
    return this.net;
  }

  // A request's x and y for the whole network.
  batch(request) {
    const x = this.built().readInput(request.x, 'x');
    return { x, y: this.net.readTargets(request.y, x.shape[0]) };
  }

  // Forward, loss and backward over the whole network, in training mode or not.
  gradientPass(x, y, options) {
    const pass = this.net.run(x, options);
    const { loss, dz } = this.net.lossOf(pass.y, y);
    pass.loss = loss;
    return this.net.backward(pass, dz);
  }

  // The trace of a pass, and its masks when it ran in training mode.
  traced(pass, answer) {
    answer.trace = pass.outputs;
    if (pass.train) answer.masks = pass.masks;
    return answer;
  }

  hello(request) {
    // A version 1 nnbench sends no "protocol" and gets a version 1 answer.
    const version = Number.isInteger(request.protocol) && request.protocol >= 2 ? 2 : 1;
    const offer = version === 2 ? VERSION_2 : VERSION_1;
    return { protocol: version, name: NAME, dtype: 'float64', ops: offer.ops, layers: offer.layers, losses: Object.keys(LOSSES), optimizers: offer.optimizers };
  }

  build(request) {
    this.net = new Network(request.model, request.loss, request.seed);
    this.optimizer.reset();
    return { params: this.net.tensors.map(({ name, shape, trainable }) => ({ name, shape, trainable })) };
  }

  get_params() {
    const net = this.built();
    return { params: Object.fromEntries(net.tensors.map((t) => [t.name, net.tensorOf(t.name)])) };
  }

  set_params(request) {
    const net = this.built();
    const given = request.params;
    const names = net.tensors.map((t) => t.name);
    if (given === null || typeof given !== 'object' || Object.keys(given).length !== names.length || !names.every((n) => Object.hasOwn(given, n))) {
      throw new ProtocolError(`set_params needs exactly these parameters and buffers: ${names.join(', ')}`);
    }
    const values = Object.fromEntries(net.tensors.map((t) => [t.name, readTensor(given[t.name], t.name, t.shape).data]));
    Object.assign(net.values, values); // all or nothing: every tensor was read first
    this.optimizer.reset();
    return {};
  }

  forward(request) {
    const x = this.built().readInput(request.x, 'x');
    const [train, trace] = [flag(request, 'train', false), flag(request, 'trace', false)];
    const pass = this.net.run(x, { train });
    return trace ? this.traced(pass, { y: pass.y }) : { y: pass.y };
  }

  loss(request) {
    const { x, y } = this.batch(request);
    return { loss: this.net.lossOf(this.net.run(x).y, y).loss };
  }

  gradients(request) {
    const { x, y } = this.batch(request);
    const [train, trace] = [flag(request, 'train', false), flag(request, 'trace', false)];
    const pass = this.gradientPass(x, y, { train });
    const grads = Object.fromEntries(this.net.trainable.map((name) => [name, tensor(this.net.shapeOf(name), pass.grads[name])]));
    const answer = { loss: pass.loss, grads };
    return trace ? this.traced(pass, answer) : answer;
  }

  step(request) {
    const { x, y } = this.batch(request);
    const [train, trace] = [flag(request, 'train', true), flag(request, 'trace', false)];
    const optimizer = readOptimizer(request.optimizer); // refused before anything moves
    const saved = this.net.saveBuffers();
    let pass;
    try {
      pass = this.gradientPass(x, y, { train, moveBuffers: train });
    } catch (error) {
      this.net.restoreBuffers(saved); // a batchnorm refusing its batch leaves the others unmoved
      throw error;
    }
    this.optimizer.step(optimizer, this.net.values, pass.grads, this.net.trainable);
    const answer = { loss: pass.loss };
    return trace ? this.traced(pass, answer) : answer;
  }

  layer_gradients(request) {
    const { x, y } = this.batch(request);
    const train = flag(request, 'train', false);
    const pass = this.gradientPass(x, y, { train });
    const answer = { loss: pass.loss, input_grads: pass.inputGrads, output_grads: pass.outputGrads };
    if (train) answer.masks = pass.masks;
    return answer;
  }

  layer_forward(request) {
    const net = this.built();
    const L = layerIndex(request, net.layers.length - 1);
    const x = net.readInput(request.x, 'x', L);
    const train = flag(request, 'train', false);
    let mask = null;
    if (train && net.layers[L] instanceof LAYER_TYPES.dropout) {
      if (request.mask === undefined) throw new ProtocolError(`layer_forward of dropout layer ${L} in training needs its "mask"`);
      mask = readTensor(request.mask, 'mask', x.shape);
    }
    return { y: net.run(x, { train, from: L, to: L + 1, mask }).y };
  }

  loss_from_layer(request) {
    const net = this.built();
    const L = layerIndex(request, net.layers.length);
    const x = net.readInput(request.x, 'x', L);
    const y = net.readTargets(request.y, x.shape[0]);
    return { loss: net.lossOf(net.run(x, { from: L }).y, y).loss };
  }

  shutdown() {
    return {};
  }
}

const OPS = ['hello', 'build', 'get_params', 'set_params', 'forward', 'loss', 'gradients', 'step', 'layer_gradients', 'layer_forward', 'loss_from_layer', 'shutdown'];

/**
 * One request line → {line: its answer, done: whether it was shutdown}. Never throws: a request
 * it cannot honour, or a mistake of its own, is answered ok: false and logged.
 */
function answer(client, text) {
  let id = null;
  try {
    const request = JSON.parse(text);
    if (request === null || typeof request !== 'object' || Array.isArray(request)) throw new ProtocolError('a request must be a JSON object');
    id = request.id ?? null;
    if (!OPS.includes(request.op)) throw new ProtocolError(`unsupported op ${JSON.stringify(request.op)}`);
    return { line: writeJSON({ id, ok: true, ...client[request.op](request) }), done: request.op === 'shutdown' };
  } catch (error) {
    const message = error instanceof ProtocolError ? error.message : `${error.name}: ${error.message}`;
    process.stderr.write(`request ${id} refused: ${message}\n`);
    if (!(error instanceof ProtocolError)) process.stderr.write(`${error.stack}\n`);
    return { line: writeJSON({ id, ok: false, error: message }), done: false };
  }
}

function main() {
  const client = new Client();
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  process.stderr.write(`${NAME}: protocol 2, float64, node ${process.version}\n`);
  lines.on('line', (text) => {
    if (text.trim() === '') return;
    const { line, done } = answer(client, text);
    // Writes to a pipe or a file are synchronous in Node on Linux: the answer is out, flushed,
    // before the next request is read, and before exit.
    process.stdout.write(`${line}\n`);
    if (done) process.exit(0);
  });
}

if (require.main === module) main();

module.exports = { Client, answer };
