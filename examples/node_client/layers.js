'use strict';
// The layers on flat inputs [n, features] (and batchnorm, also on images), forward and backward
// (docs/protocol.md, "Layers"). Image layers are in layers_image.js.
//
// Every layer is built from its protocol object and its per-sample input shape, and has:
//   outShape    the per-sample output shape;
//   tensors     its parameters and buffers, [{name, shape, trainable, initial}] in protocol
//               order, `initial` saying how build fills it (random.js's distribution);
//   forward(x, pass)   x: a tensor [n, ...inShape]; returns the output and keeps what the
//                      backward pass needs on the layer itself (this.x, this.y, ...);
//   backward(dy, pass) dy = d loss / d output; adds d loss / d parameter into pass.grads and
//                      returns d loss / d input.
// `pass` carries the current values ({name: Float64Array}), the gradients, `train`, and what
// dropout and batchnorm need (pass.rng, pass.masks, pass.mask, pass.moveBuffers).

const { erfc } = require('./erf.js');
const { ProtocolError, product, tensor } = require('./values.js');
const { distribution } = require('./random.js');

// Reading a layer's fields: every one is checked, with a message naming the layer.
function integerField(spec, key, where, fallback, min = 1) {
  const v = spec[key] === undefined ? fallback : spec[key];
  if (!Number.isInteger(v) || v < min) throw new ProtocolError(`${where}: ${key} must be an integer ≥ ${min}, got ${JSON.stringify(spec[key])}`);
  return v;
}
function numberField(spec, key, where, fallback, accepts, expected) {
  const v = spec[key] === undefined ? fallback : spec[key];
  if (typeof v !== 'number' || !accepts(v)) throw new ProtocolError(`${where}: ${key} must be ${expected}, got ${JSON.stringify(spec[key])}`);
  return v;
}
function booleanField(spec, key, where, fallback) {
  const v = spec[key] === undefined ? fallback : spec[key];
  if (typeof v !== 'boolean') throw new ProtocolError(`${where}: ${key} must be true or false, got ${JSON.stringify(spec[key])}`);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Elementwise activations: y = f(x), dx = dy·f'(x), f' written from x or from y = f(x).

function sigmoid(x) {
  // Never exponentiates a positive number, so neither form overflows.
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
const INV_SQRT_2PI = 0.3989422804014327; // 1/√(2π), the standard normal density at 0
const normalCdf = (x) => erfc(-x * Math.SQRT1_2) / 2; // Φ(x), accurate also far in the left tail

function activation(type, slope) {
  switch (type) {
    case 'relu': return { f: (x) => Math.max(x, 0), df: (x) => (x > 0 ? 1 : 0) }; // 0 at 0
    case 'leaky_relu': return { f: (x) => (x > 0 ? x : slope * x), df: (x) => (x > 0 ? 1 : slope) };
    case 'tanh': return { f: Math.tanh, df: (x, y) => 1 - y * y };
    case 'sigmoid': return { f: sigmoid, df: (x, y) => y * (1 - y) };
    case 'identity': return { f: (x) => x, df: () => 1 };
    // gelu(x) = x·Φ(x), the exact form; gelu'(x) = Φ(x) + x·φ(x).
    case 'gelu': return { f: (x) => x * normalCdf(x), df: (x) => normalCdf(x) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x) };
    // PyTorch's Softplus(beta=1, threshold=20): x itself above 20; ln(1 + eˣ)' = σ(x).
    case 'softplus': return { f: (x) => (x > 20 ? x : Math.log1p(Math.exp(x))), df: (x) => (x > 20 ? 1 : sigmoid(x)) };
    default: return null;
  }
}

class Elementwise {
  constructor(index, spec, inShape) {
    const where = `layer ${index} (${spec.type})`;
    const slope = spec.type === 'leaky_relu' ? numberField(spec, 'slope', where, 0.01, Number.isFinite, 'a number') : 0;
    Object.assign(this, activation(spec.type, slope));
    this.outShape = inShape;
    this.tensors = [];
  }

  forward(x) {
    this.x = x;
    this.y = tensor(x.shape, x.data.map(this.f));
    return this.y;
  }

  backward(dy) {
    const x = this.x.data;
    const y = this.y.data;
    return tensor(dy.shape, dy.data.map((g, i) => g * this.df(x[i], y[i])));
  }
}

// ---------------------------------------------------------------------------------------------

/** y = x·W + b with W: [in, units] (row i of W connects input i to every unit), b: [units]. */
class Dense {
  constructor(index, spec, inShape) {
    const where = `layer ${index} (dense)`;
    if (inShape.length !== 1) throw new ProtocolError(`${where} needs [n, features] inputs, got per-sample shape [${inShape}]; add a flatten`);
    this.inputs = inShape[0];
    this.units = integerField(spec, 'units', where);
    this.outShape = [this.units];
    this.weight = `${index}.weight`;
    this.bias = booleanField(spec, 'bias', where, true) ? `${index}.bias` : null;
    const initial = distribution(spec.init, this.inputs, this.units, where); // fan_in = in, fan_out = units
    this.tensors = [{ name: this.weight, shape: [this.inputs, this.units], trainable: true, initial }];
    if (this.bias) this.tensors.push({ name: this.bias, shape: [this.units], trainable: true, initial: { constant: 0 } });
  }

  forward(x, pass) {
    const [n, I, U] = [x.shape[0], this.inputs, this.units];
    const W = pass.values[this.weight];
    const b = this.bias && pass.values[this.bias];
    const y = new Float64Array(n * U);
    for (let i = 0; i < n; i++) {
      for (let u = 0; u < U; u++) y[i * U + u] = b ? b[u] : 0;
      for (let k = 0; k < I; k++) {
        const xik = x.data[i * I + k];
        for (let u = 0; u < U; u++) y[i * U + u] += xik * W[k * U + u];
      }
    }
    this.x = x;
    return tensor([n, U], y);
  }

  backward(dy, pass) {
    const [n, I, U] = [dy.shape[0], this.inputs, this.units];
    const W = pass.values[this.weight];
    const dW = pass.grads[this.weight];
    const db = this.bias && pass.grads[this.bias];
    const x = this.x.data;
    const dx = new Float64Array(n * I);
    for (let i = 0; i < n; i++) {
      for (let u = 0; u < U; u++) if (db) db[u] += dy.data[i * U + u]; // b is added to every sample
      for (let k = 0; k < I; k++) {
        let s = 0;
        for (let u = 0; u < U; u++) {
          const g = dy.data[i * U + u];
          dW[k * U + u] += x[i * I + k] * g; // dW = xᵀ·dy, [in, units]
          s += g * W[k * U + u]; //               dx = dy·Wᵀ, [n, in]
        }
        dx[i * I + k] = s;
      }
    }
    return tensor([n, I], dx);
  }
}

// ---------------------------------------------------------------------------------------------

/** Inverted dropout: in training, x·mask with mask 0 (probability `rate`) or 1/(1 − rate). */
class Dropout {
  constructor(index, spec, inShape) {
    this.index = index;
    this.rate = numberField(spec, 'rate', `layer ${index} (dropout)`, undefined, (r) => r >= 0 && r < 1, 'a number in [0, 1)');
    this.outShape = inShape;
    this.tensors = [];
  }

  forward(x, pass) {
    this.mask = null;
    if (!pass.train) return x;
    let mask = pass.mask; // layer_forward replays nnbench's mask
    if (!mask) {
      const keep = 1 / (1 - this.rate);
      mask = tensor(x.shape, Float64Array.from(x.data, () => (pass.rng.uniform() < this.rate ? 0 : keep)));
    }
    pass.masks[String(this.index)] = mask; // reported with every training-mode trace
    this.mask = mask.data;
    return tensor(x.shape, x.data.map((v, i) => v * this.mask[i]));
  }

  backward(dy) {
    return this.mask ? tensor(dy.shape, dy.data.map((g, i) => g * this.mask[i])) : dy;
  }
}

/** [n, c, h, w] → [n, c·h·w], row-major: the data does not move. */
class Flatten {
  constructor(index, spec, inShape) {
    this.inShape = inShape;
    this.outShape = [product(inShape)];
    this.tensors = [];
  }

  forward(x) {
    return tensor([x.shape[0], ...this.outShape], x.data);
  }

  backward(dy) {
    return tensor([dy.shape[0], ...this.inShape], dy.data);
  }
}

module.exports = { Elementwise, Dense, Dropout, Flatten, activation, integerField, numberField, booleanField };
