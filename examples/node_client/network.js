'use strict';
// A built network: its layers, the values of its parameters and buffers, and the forward and
// backward passes over any run of consecutive layers (the whole network for forward and
// gradients; one layer for layer_forward; a tail for loss_from_layer).

const { ProtocolError, product, tensor, readTensor } = require('./values.js');
const { SplitMix64, draw } = require('./random.js');
const { Elementwise, Dense, Dropout, Flatten } = require('./layers.js');
const { BatchNorm } = require('./batchnorm.js');
const { Conv2d, Pool2d } = require('./layers_image.js');
const { LOSSES } = require('./losses.js');

/** Every layer type this program builds, with the class that implements it. */
const LAYER_TYPES = {
  dense: Dense,
  relu: Elementwise,
  leaky_relu: Elementwise,
  tanh: Elementwise,
  sigmoid: Elementwise,
  identity: Elementwise,
  gelu: Elementwise,
  softplus: Elementwise,
  dropout: Dropout,
  flatten: Flatten,
  batchnorm: BatchNorm,
  conv2d: Conv2d,
  maxpool2d: Pool2d,
  avgpool2d: Pool2d,
};

function readSeed(seed) {
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 53) throw new ProtocolError(`seed must be an integer in 0 … 2^53, got ${JSON.stringify(seed)}`);
  return seed;
}

function readInputShape(inputs) {
  const shape = Array.isArray(inputs) ? inputs : [inputs];
  if ((shape.length !== 1 && shape.length !== 3) || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new ProtocolError(`model.inputs must be a number of features or [channels, height, width], got ${JSON.stringify(inputs)}`);
  }
  return shape;
}

class Network {
  /** From build's `model`, `loss` and `seed`; throws ProtocolError for anything it cannot build. */
  constructor(model, lossName, seed) {
    if (!Object.hasOwn(LOSSES, lossName)) throw new ProtocolError(`unsupported loss ${JSON.stringify(lossName)} (supported: ${Object.keys(LOSSES).join(', ')})`);
    if (model === null || typeof model !== 'object' || !Array.isArray(model.layers)) {
      throw new ProtocolError('model must be {"inputs": ..., "layers": [...]}');
    }
    const rng = new SplitMix64(readSeed(seed));
    this.loss = LOSSES[lossName];
    this.inShapes = [readInputShape(model.inputs)]; // inShapes[L]: layer L's per-sample input
    this.layers = model.layers.map((spec, index) => {
      const type = spec !== null && typeof spec === 'object' ? spec.type : undefined;
      if (!Object.hasOwn(LAYER_TYPES, type)) throw new ProtocolError(`layer ${index}: unsupported layer type ${JSON.stringify(type)}`);
      const layer = new LAYER_TYPES[type](index, spec, this.inShapes[index]);
      this.inShapes.push(layer.outShape);
      return layer;
    });
    this.outShape = this.inShapes[this.layers.length];
    if (lossName === 'softmax_ce' && this.outShape.length !== 1) throw new ProtocolError(`softmax_ce needs [n, classes] outputs, the model gives [n, ${this.outShape}]`);
    this.tensors = this.layers.flatMap((layer) => layer.tensors); // layer order, as build lists them
    this.trainable = this.tensors.filter((t) => t.trainable).map((t) => t.name);
    // Dropout has its own stream, seeded by the first draw, so that the weights from a seed do
    // not depend on how many masks were drawn before.
    this.dropoutRng = new SplitMix64(rng.nextUint64());
    this.values = {}; // name → Float64Array, drawn in layer order, weight before bias
    for (const t of this.tensors) this.values[t.name] = draw(t.initial, product(t.shape), rng);
  }

  /** A request's input for layer `from` (the network's input for 0): [n, ...its input shape]. */
  readInput(value, what, from = 0) {
    const n = value && Array.isArray(value.shape) ? value.shape[0] : undefined;
    if (!Number.isInteger(n) || n < 1) throw new ProtocolError(`${what}: expected a tensor [n, ${this.inShapes[from]}] with n ≥ 1`);
    return readTensor(value, what, [n, ...this.inShapes[from]]);
  }

  /** A request's targets for outputs of batch size n, shaped as the loss takes them. */
  readTargets(value, n) {
    return readTensor(value, 'y', this.loss.targetShape(n, this.outShape));
  }

  /**
   * Layers from..to−1 applied to x. Returns the pass: its output `y`, every layer's output
   * (`outputs`), the dropout masks drawn (`masks`), and what backward needs. `mask` replays a
   * given dropout mask (layer_forward); `moveBuffers` lets batchnorm update its running
   * statistics (step only).
   */
  run(x, { train = false, from = 0, to = this.layers.length, moveBuffers = false, mask = null } = {}) {
    const pass = { values: this.values, train, moveBuffers, mask, rng: this.dropoutRng, masks: {}, outputs: [], from, to };
    let h = x;
    for (let L = from; L < to; L++) {
      h = this.layers[L].forward(h, pass);
      pass.outputs.push(h);
    }
    pass.y = h;
    return pass;
  }

  /**
   * The backward pass of `pass` from dz = d loss / d (its output): fills pass.grads (every
   * trainable parameter of the network, zero outside the run) and, for every layer L of the
   * run, pass.inputGrads[L] and pass.outputGrads[L].
   */
  backward(pass, dz) {
    pass.grads = {};
    for (const name of this.trainable) pass.grads[name] = new Float64Array(this.values[name].length);
    pass.inputGrads = [];
    pass.outputGrads = [];
    let d = dz;
    for (let L = pass.to - 1; L >= pass.from; L--) {
      pass.outputGrads[L] = d;
      d = this.layers[L].backward(d, pass);
      pass.inputGrads[L] = d;
    }
    return pass;
  }

  /** The loss of outputs z against targets y, and d loss / d z. */
  lossOf(z, y) {
    return this.loss.compute(z, y);
  }

  /** A copy of every buffer's values, to undo a step that failed half-way. */
  saveBuffers() {
    return this.tensors.filter((t) => !t.trainable).map((t) => [t.name, this.values[t.name].slice()]);
  }

  restoreBuffers(saved) {
    for (const [name, data] of saved) this.values[name] = data;
  }

  /** The shape of a parameter or buffer. */
  shapeOf(name) {
    return this.tensors.find((t) => t.name === name).shape;
  }

  /** A parameter or buffer as a tensor (its current values, not a copy). */
  tensorOf(name) {
    return tensor(this.shapeOf(name), this.values[name]);
  }
}

module.exports = { Network, LAYER_TYPES };
