'use strict';
// The three losses (docs/protocol.md, "Losses"): means over the batch of the raw output z,
// PyTorch's MSELoss, BCEWithLogitsLoss and CrossEntropyLoss. Each returns the loss and
// d loss / d z, and stays finite for logits of ±1000.

const { ProtocolError, tensor } = require('./values.js');

/** (1/(n·k)) Σ (z − y)², gradient 2(z − y)/(n·k). */
function mse(z, y) {
  const count = z.data.length;
  let total = 0;
  const dz = z.data.map((v, i) => {
    const d = v - y.data[i];
    total += d * d;
    return (2 * d) / count;
  });
  return { loss: total / count, dz: tensor(z.shape, dz) };
}

/**
 * (1/(n·k)) Σ max(z, 0) − z·y + ln(1 + e^−|z|), gradient (σ(z) − y)/(n·k). The form never
 * exponentiates a positive number; log1p keeps ln(1 + tiny) exact.
 */
function bceLogits(z, y) {
  const count = z.data.length;
  let total = 0;
  const dz = z.data.map((v, i) => {
    total += Math.max(v, 0) - v * y.data[i] + Math.log1p(Math.exp(-Math.abs(v)));
    const sigma = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    return (sigma - y.data[i]) / count;
  });
  return { loss: total / count, dz: tensor(z.shape, dz) };
}

/**
 * (1/n) Σᵢ logsumexp(zᵢ) − zᵢ,yᵢ with y the class indices [n]; gradient (softmax(zᵢ) − onehot)/n.
 * The row's maximum is subtracted before exponentiating: logsumexp and softmax are unchanged,
 * and e^(z − max) ≤ 1 never overflows.
 */
function softmaxCE(z, y) {
  const [n, classes] = [z.shape[0], z.data.length / z.shape[0]];
  const dz = new Float64Array(z.data.length);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const label = y.data[i];
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new ProtocolError(`y.data[${i}] = ${label}: softmax_ce targets are class indices 0 … ${classes - 1}`);
    }
    const row = z.data.subarray(i * classes, (i + 1) * classes);
    const max = row.reduce((a, b) => Math.max(a, b), -Infinity);
    const sum = row.reduce((s, v) => s + Math.exp(v - max), 0);
    total += max + Math.log(sum) - row[label];
    for (let j = 0; j < classes; j++) dz[i * classes + j] = (Math.exp(row[j] - max) / sum - (j === label ? 1 : 0)) / n;
  }
  return { loss: total / n, dz: tensor(z.shape, dz) };
}

/** Each loss with the target shape it takes for an output of per-sample shape `out`. */
const LOSSES = {
  mse: { compute: mse, targetShape: (n, out) => [n, ...out] },
  bce_logits: { compute: bceLogits, targetShape: (n, out) => [n, ...out] },
  softmax_ce: { compute: softmaxCE, targetShape: (n) => [n] },
};

module.exports = { LOSSES };
