'use strict';
// The optimizers of `step` (docs/protocol.md, "Optimizers"): PyTorch's sgd, adam, adamw and
// rmsprop, elementwise on each trainable parameter p with its batch gradient g. The state
// (momentum buffers, moments, the step count t) lives here; the client empties it after build
// and set_params.

const { ProtocolError } = require('./values.js');

// Every field with its default (undefined: required), as the protocol's table lists them.
const FIELDS = {
  sgd: { lr: undefined, momentum: 0, nesterov: false, weight_decay: 0 },
  adam: { lr: undefined, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0 },
  adamw: { lr: undefined, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01 },
  rmsprop: { lr: undefined, alpha: 0.99, eps: 1e-8, momentum: 0, weight_decay: 0, centered: false },
};

// One update of p in place; `s` is this parameter's state, {} at its first step.
const UPDATES = {
  // g ← g + wd·p; with momentum b ← (first step ? g : μ·b + g), g ← nesterov ? g + μ·b : b;
  // p ← p − lr·g.
  sgd(o, p, grad, s) {
    const first = !s.b; // the buffer starts as the first step's gradient
    if (o.momentum !== 0) s.b ??= new Float64Array(p.length);
    for (let j = 0; j < p.length; j++) {
      let g = grad[j] + o.weight_decay * p[j];
      if (o.momentum !== 0) {
        s.b[j] = first ? g : o.momentum * s.b[j] + g;
        g = o.nesterov ? g + o.momentum * s.b[j] : s.b[j];
      }
      p[j] -= o.lr * g;
    }
  },

  // g ← g + wd·p; m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
  // p ← p − lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + eps).
  adam(o, p, grad, s, t) {
    s.m ??= new Float64Array(p.length);
    s.v ??= new Float64Array(p.length);
    for (let j = 0; j < p.length; j++) {
      const g = grad[j] + o.weight_decay * p[j];
      s.m[j] = o.beta1 * s.m[j] + (1 - o.beta1) * g;
      s.v[j] = o.beta2 * s.v[j] + (1 - o.beta2) * g * g;
      p[j] -= (o.lr * (s.m[j] / (1 - o.beta1 ** t))) / (Math.sqrt(s.v[j] / (1 - o.beta2 ** t)) + o.eps);
    }
  },

  // Decoupled weight decay: p ← p·(1 − lr·wd) first, then adam's update without wd in g.
  adamw(o, p, grad, s, t) {
    for (let j = 0; j < p.length; j++) p[j] *= 1 - o.lr * o.weight_decay;
    UPDATES.adam({ ...o, weight_decay: 0 }, p, grad, s, t);
  },

  // g ← g + wd·p; s ← αs + (1−α)g²; centered: a ← αa + (1−α)g, d = √(s − a²) + eps, else
  // d = √s + eps; with momentum b ← μb + g/d (b starts at 0), p ← p − lr·b; else p ← p − lr·g/d.
  rmsprop(o, p, grad, s) {
    s.square ??= new Float64Array(p.length);
    if (o.centered) s.mean ??= new Float64Array(p.length);
    if (o.momentum !== 0) s.b ??= new Float64Array(p.length);
    for (let j = 0; j < p.length; j++) {
      const g = grad[j] + o.weight_decay * p[j];
      s.square[j] = o.alpha * s.square[j] + (1 - o.alpha) * g * g;
      let d;
      if (o.centered) {
        s.mean[j] = o.alpha * s.mean[j] + (1 - o.alpha) * g;
        d = Math.sqrt(s.square[j] - s.mean[j] * s.mean[j]) + o.eps;
      } else {
        d = Math.sqrt(s.square[j]) + o.eps;
      }
      if (o.momentum !== 0) {
        s.b[j] = o.momentum * s.b[j] + g / d;
        p[j] -= o.lr * s.b[j];
      } else {
        p[j] -= (o.lr * g) / d;
      }
    }
  },
};

/** The request's optimizer with every field filled in and checked. */
function readOptimizer(request) {
  if (request === null || typeof request !== 'object' || !Object.hasOwn(FIELDS, request.type)) {
    throw new ProtocolError(`optimizer must be an object with "type" one of ${Object.keys(FIELDS).join(', ')}`);
  }
  const o = { type: request.type };
  for (const [key, fallback] of Object.entries(FIELDS[request.type])) {
    const v = request[key] === undefined ? fallback : request[key];
    if (typeof v !== (typeof fallback === 'boolean' ? 'boolean' : 'number') || (typeof v === 'number' && !Number.isFinite(v))) {
      throw new ProtocolError(`optimizer.${key} must be ${typeof fallback === 'boolean' ? 'true or false' : 'a finite number'}, got ${JSON.stringify(request[key])}`);
    }
    o[key] = v;
  }
  return o;
}

class Optimizer {
  constructor() {
    this.reset();
  }

  /** Empties the state: after build and set_params. */
  reset() {
    this.type = null;
    this.t = 0;
    this.state = {};
  }

  /**
   * One update of every named parameter in place, with the optimizer `o` (readOptimizer's).
   * Another type than the previous step's starts from empty state; other fields (a
   * learning-rate schedule) may change from step to step and keep it.
   */
  step(o, values, grads, names) {
    if (o.type !== this.type) {
      this.reset();
      this.type = o.type;
    }
    this.t += 1;
    for (const name of names) UPDATES[o.type](o, values[name], grads[name], (this.state[name] ??= {}), this.t);
  }
}

module.exports = { Optimizer, FIELDS, readOptimizer };
