'use strict';
// The layers on images [n, c, h, w]: conv2d, maxpool2d, avgpool2d (docs/protocol.md, "Layers"),
// forward and backward, with the interface described at the top of layers.js. Written as plain
// loops over every index, so each formula can be read off the code.

const { ProtocolError, tensor } = require('./values.js');
const { distribution } = require('./random.js');
const { integerField, booleanField } = require('./layers.js');

function imageInput(inShape, where) {
  if (inShape.length !== 3) throw new ProtocolError(`${where} needs [n, c, h, w] inputs, got per-sample shape [${inShape}]`);
  return inShape;
}

// ⌊(h + 2·padding − size)/stride⌋ + 1 for height and width; no window may be partial.
function outputSize(h, w, size, stride, padding, where) {
  const [oh, ow] = [h, w].map((d) => Math.floor((d + 2 * padding - size) / stride) + 1);
  if (h + 2 * padding < size || w + 2 * padding < size) {
    throw new ProtocolError(`${where}: window ${size} is larger than the (padded) input ${h + 2 * padding}×${w + 2 * padding}`);
  }
  return [oh, ow];
}

/**
 * Cross-correlation as PyTorch's Conv2d, with zero padding:
 *   y[i,f,oy,ox] = b[f] + Σ_{c,a,b} x[i, c, oy·s + a − p, ox·s + b − p] · w[f,c,a,b]
 * (x outside the image counts as 0); w: [filters, c, k, k], b: [filters].
 */
class Conv2d {
  constructor(index, spec, inShape) {
    const where = `layer ${index} (conv2d)`;
    [this.C, this.H, this.W] = imageInput(inShape, where);
    this.F = integerField(spec, 'filters', where);
    this.K = integerField(spec, 'kernel', where);
    this.stride = integerField(spec, 'stride', where, 1);
    this.pad = integerField(spec, 'padding', where, 0, 0);
    [this.OH, this.OW] = outputSize(this.H, this.W, this.K, this.stride, this.pad, where);
    this.outShape = [this.F, this.OH, this.OW];
    this.weight = `${index}.weight`;
    this.bias = booleanField(spec, 'bias', where, true) ? `${index}.bias` : null;
    const kk = this.K * this.K; // fan_in = c·k·k, fan_out = filters·k·k
    const initial = distribution(spec.init, this.C * kk, this.F * kk, where);
    this.tensors = [{ name: this.weight, shape: [this.F, this.C, this.K, this.K], trainable: true, initial }];
    if (this.bias) this.tensors.push({ name: this.bias, shape: [this.F], trainable: true, initial: { constant: 0 } });
  }

  // Calls visit(xAt, wAt, yAt) for every product x·w of the sum above (inside the image).
  eachProduct(n, visit) {
    const { C, H, W, F, K, OH, OW, stride, pad } = this;
    for (let i = 0; i < n; i++) for (let f = 0; f < F; f++) for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) {
      const yAt = ((i * F + f) * OH + oy) * OW + ox;
      for (let c = 0; c < C; c++) for (let a = 0; a < K; a++) {
        const iy = oy * stride + a - pad;
        if (iy < 0 || iy >= H) continue;
        for (let b = 0; b < K; b++) {
          const ix = ox * stride + b - pad;
          if (ix >= 0 && ix < W) visit(((i * C + c) * H + iy) * W + ix, ((f * C + c) * K + a) * K + b, yAt);
        }
      }
    }
  }

  forward(x, pass) {
    const n = x.shape[0];
    const [w, b] = [pass.values[this.weight], this.bias && pass.values[this.bias]];
    const y = tensor([n, ...this.outShape]);
    const plane = this.OH * this.OW;
    if (b) y.data.forEach((_, at) => { y.data[at] = b[Math.floor(at / plane) % this.F]; });
    this.eachProduct(n, (xAt, wAt, yAt) => { y.data[yAt] += x.data[xAt] * w[wAt]; });
    this.x = x;
    return y;
  }

  backward(dy, pass) {
    const n = dy.shape[0];
    const [w, dw, db] = [pass.values[this.weight], pass.grads[this.weight], this.bias && pass.grads[this.bias]];
    const dx = tensor(this.x.shape);
    this.eachProduct(n, (xAt, wAt, yAt) => {
      dw[wAt] += dy.data[yAt] * this.x.data[xAt];
      dx.data[xAt] += dy.data[yAt] * w[wAt];
    });
    const plane = this.OH * this.OW;
    if (db) dy.data.forEach((g, at) => { db[Math.floor(at / plane) % this.F] += g; }); // every position
    return dx;
  }
}

/**
 * maxpool2d and avgpool2d: each size×size window (stride may be below size: windows overlap,
 * and their gradients add up). Max: the first maximum in row-major order of the window gets
 * the gradient; a NaN counts as a maximum, so that it propagates as in PyTorch. Avg: the mean,
 * its gradient shared equally.
 */
class Pool2d {
  constructor(index, spec, inShape) {
    this.kind = spec.type;
    const where = `layer ${index} (${spec.type})`;
    [this.C, this.H, this.W] = imageInput(inShape, where);
    this.size = integerField(spec, 'size', where);
    this.stride = integerField(spec, 'stride', where, this.size);
    [this.OH, this.OW] = outputSize(this.H, this.W, this.size, this.stride, 0, where);
    this.outShape = [this.C, this.OH, this.OW];
    this.tensors = [];
  }

  // The flat input indices of the window of output (plane p = i·C + c, oy, ox), row-major.
  window(p, oy, ox) {
    const at = [];
    for (let a = 0; a < this.size; a++) {
      for (let b = 0; b < this.size; b++) at.push((p * this.H + oy * this.stride + a) * this.W + ox * this.stride + b);
    }
    return at;
  }

  forward(x) {
    const y = tensor([x.shape[0], ...this.outShape]);
    this.windows = []; // per output: the inputs its gradient goes to
    for (let p = 0; p < x.shape[0] * this.C; p++) for (let oy = 0; oy < this.OH; oy++) for (let ox = 0; ox < this.OW; ox++) {
      const at = this.window(p, oy, ox);
      const yAt = (p * this.OH + oy) * this.OW + ox;
      if (this.kind === 'avgpool2d') {
        y.data[yAt] = at.reduce((s, k) => s + x.data[k], 0) / at.length;
        this.windows.push(at);
      } else {
        let best = at[0];
        for (const k of at) if (x.data[k] > x.data[best] || (Number.isNaN(x.data[k]) && !Number.isNaN(x.data[best]))) best = k;
        y.data[yAt] = x.data[best];
        this.windows.push([best]);
      }
    }
    this.inShape = x.shape;
    return y;
  }

  backward(dy) {
    const dx = tensor(this.inShape);
    this.windows.forEach((at, yAt) => {
      for (const k of at) dx.data[k] += dy.data[yAt] / at.length;
    });
    return dx;
  }
}

module.exports = { Conv2d, Pool2d };
