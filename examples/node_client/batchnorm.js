'use strict';
// Batch normalisation (docs/protocol.md, "Batch normalisation"), as PyTorch's BatchNorm1d on
// [n, C] and BatchNorm2d on [n, C, h, w]: each channel is normalised over the m = n·h·w values
// it has in the batch (m = n for BatchNorm1d).

const { ProtocolError, tensor } = require('./values.js');
const { numberField } = require('./layers.js');

class BatchNorm {
  constructor(index, spec, inShape) {
    const where = `layer ${index} (batchnorm)`;
    if (inShape.length !== 1 && inShape.length !== 3) {
      throw new ProtocolError(`${where} needs [n, features] or [n, c, h, w] inputs, got per-sample shape [${inShape}]`);
    }
    this.where = where;
    this.momentum = numberField(spec, 'momentum', where, 0.1, (v) => v >= 0 && v <= 1, 'a number in [0, 1]');
    this.eps = numberField(spec, 'eps', where, 1e-5, (v) => v > 0, 'a positive number');
    this.C = inShape[0];
    this.S = inShape.length === 3 ? inShape[1] * inShape[2] : 1; // values per channel per sample
    this.outShape = inShape;
    const name = (what) => `${index}.${what}`;
    [this.weight, this.bias, this.mean, this.var] = ['weight', 'bias', 'running_mean', 'running_var'].map(name);
    const channels = [this.C];
    this.tensors = [
      { name: this.weight, shape: channels, trainable: true, initial: { constant: 1 } },
      { name: this.bias, shape: channels, trainable: true, initial: { constant: 0 } },
      { name: this.mean, shape: channels, trainable: false, initial: { constant: 0 } },
      { name: this.var, shape: channels, trainable: false, initial: { constant: 1 } },
    ];
  }

  // Value j (0 … m−1) of channel c sits at index(c, j) of the flat data.
  index(c, j) {
    return (Math.floor(j / this.S) * this.C + c) * this.S + (j % this.S);
  }

  forward(x, pass) {
    const [C, m] = [this.C, x.shape[0] * this.S];
    const { [this.weight]: w, [this.bias]: b, [this.mean]: runningMean, [this.var]: runningVar } = pass.values;
    if (pass.train && m === 1) throw new ProtocolError(`${this.where}: one value per channel in training; batch statistics need at least 2`);
    this.train = pass.train;
    this.xhat = new Float64Array(x.data.length);
    this.invStd = new Float64Array(C);
    const y = new Float64Array(x.data.length);
    for (let c = 0; c < C; c++) {
      let mean = runningMean[c];
      let variance = runningVar[c];
      if (pass.train) {
        mean = 0;
        for (let j = 0; j < m; j++) mean += x.data[this.index(c, j)];
        mean /= m;
        variance = 0; // biased: divided by m
        for (let j = 0; j < m; j++) variance += (x.data[this.index(c, j)] - mean) ** 2;
        variance /= m;
        if (pass.moveBuffers) { // only step moves them; the running variance is the unbiased one
          runningMean[c] = (1 - this.momentum) * runningMean[c] + this.momentum * mean;
          runningVar[c] = (1 - this.momentum) * runningVar[c] + (this.momentum * variance * m) / (m - 1);
        }
      }
      this.invStd[c] = 1 / Math.sqrt(variance + this.eps);
      for (let j = 0; j < m; j++) {
        const at = this.index(c, j);
        this.xhat[at] = (x.data[at] - mean) * this.invStd[c];
        y[at] = w[c] * this.xhat[at] + b[c];
      }
    }
    return tensor(x.shape, y);
  }

  // With batch statistics, x̂ depends on every value of its channel through μ and σ²; the chain
  // rule through both gives, with g = dy·weight,
  //   dx = (1/√(σ² + eps)) · (g − mean(g) − x̂·mean(g·x̂)).
  // With running statistics (evaluation) μ and σ² are constants: dx = g/√(var + eps).
  backward(dy, pass) {
    const [C, m] = [this.C, dy.shape[0] * this.S];
    const w = pass.values[this.weight];
    const [dw, db] = [pass.grads[this.weight], pass.grads[this.bias]];
    const dx = new Float64Array(dy.data.length);
    for (let c = 0; c < C; c++) {
      let sumG = 0;
      let sumGXhat = 0;
      for (let j = 0; j < m; j++) {
        const at = this.index(c, j);
        dw[c] += dy.data[at] * this.xhat[at];
        db[c] += dy.data[at];
        sumG += dy.data[at] * w[c];
        sumGXhat += dy.data[at] * w[c] * this.xhat[at];
      }
      for (let j = 0; j < m; j++) {
        const at = this.index(c, j);
        const g = dy.data[at] * w[c];
        dx[at] = this.train ? this.invStd[c] * (g - sumG / m - (this.xhat[at] * sumGXhat) / m) : g * this.invStd[c];
      }
    }
    return tensor(dy.shape, dx);
  }
}

module.exports = { BatchNorm };
