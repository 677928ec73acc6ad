'use strict';
// The checks of test_client.js on `step` and on training mode: every optimizer against the
// formulas of docs/protocol.md, written out again here; batchnorm's running statistics;
// dropout's masks (their law, and that they are the very masks of the pass they come with).

const { SplitMix64 } = require('./random.js');
const { T, A, identical, maxRelative } = require('./test_support.js');

const U = 2 ** -53;

// docs/protocol.md, "Optimizers": the defaults, and one update of p (arrays) with state st.
const DEFAULTS = {
  sgd: { momentum: 0, nesterov: false, weight_decay: 0 },
  adam: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0 },
  adamw: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01 },
  rmsprop: { alpha: 0.99, eps: 1e-8, momentum: 0, weight_decay: 0, centered: false },
};

function update(o, p, g, st, t) {
  return p.map((pj, j) => {
    const { lr } = o;
    if (o.type === 'sgd') {
      let gj = g[j] + o.weight_decay * pj;
      if (o.momentum !== 0) {
        st.b[j] = t === 1 ? gj : o.momentum * st.b[j] + gj;
        gj = o.nesterov ? gj + o.momentum * st.b[j] : st.b[j];
      }
      return pj - lr * gj;
    }
    if (o.type === 'adam' || o.type === 'adamw') {
      const decayed = o.type === 'adamw' ? pj * (1 - lr * o.weight_decay) : pj;
      const gj = o.type === 'adamw' ? g[j] : g[j] + o.weight_decay * pj;
      st.m[j] = o.beta1 * st.m[j] + (1 - o.beta1) * gj;
      st.v[j] = o.beta2 * st.v[j] + (1 - o.beta2) * gj * gj;
      return decayed - (lr * (st.m[j] / (1 - o.beta1 ** t))) / (Math.sqrt(st.v[j] / (1 - o.beta2 ** t)) + o.eps);
    }
    const gj = g[j] + o.weight_decay * pj; // rmsprop
    st.s[j] = o.alpha * st.s[j] + (1 - o.alpha) * gj * gj;
    let d = Math.sqrt(st.s[j]) + o.eps;
    if (o.centered) {
      st.a[j] = o.alpha * st.a[j] + (1 - o.alpha) * gj;
      d = Math.sqrt(st.s[j] - st.a[j] * st.a[j]) + o.eps;
    }
    if (o.momentum === 0) return pj - (lr * gj) / d;
    st.b[j] = o.momentum * st.b[j] + gj / d;
    return pj - lr * st.b[j];
  });
}

const OPTIMIZERS = [
  { type: 'sgd', lr: 0.1, momentum: 0, nesterov: false, weight_decay: 0 },
  { type: 'sgd', lr: 0.1, momentum: 0.9, nesterov: false, weight_decay: 0 },
  { type: 'sgd', lr: 0.05, momentum: 0.8, nesterov: true, weight_decay: 0.01 },
  { type: 'adam', lr: 0.01 },
  { type: 'adam', lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6, weight_decay: 0.1 },
  { type: 'adamw', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.1 },
  { type: 'adamw', lr: 0.02 },
  { type: 'rmsprop', lr: 0.01, alpha: 0.99, eps: 1e-8, momentum: 0, weight_decay: 0, centered: false },
  { type: 'rmsprop', lr: 0.01, alpha: 0.9, eps: 1e-6, momentum: 0.5, weight_decay: 0.1, centered: true },
];

const describe = (o) => JSON.stringify(o).replace(/"/g, '');

async function checkOptimizers(s, check) {
  // The client's parameters after each step against the formulas applied to the client's own
  // gradient: the same operations, in an order that may differ, so they agree to a few
  // roundings of a value of order 1 (1e-13 leaves a wide margin; a wrong formula is off by
  // 1e-4 or more).
  const BOUND = 1e-13;
  const rng = new SplitMix64(99);
  await s.call('build', { model: { inputs: 3, layers: [{ type: 'dense', units: 4 }, { type: 'tanh' }, { type: 'dense', units: 2 }] }, loss: 'mse', seed: 3 });
  const x = T([5, 3], Array.from({ length: 15 }, () => rng.normal()));
  const y = T([5, 2], Array.from({ length: 10 }, () => rng.normal()));
  const P0 = (await s.call('get_params')).params;
  const names = Object.keys(P0);
  const fresh = () => ({ state: Object.fromEntries(names.map((n) => [n, { b: [], m: [], v: [], s: [], a: [] }])), t: 0 });
  const zeroed = (st, count) => { for (const k of ['m', 'v', 's', 'a', 'b']) if (st[k].length === 0) st[k] = new Array(count).fill(0); };

  // Runs steps (each an optimizer object) from the current client state and the reference
  // state `ref`; returns the worst disagreement.
  const run = async (steps, ref, P) => {
    let worst = 0;
    for (const request of steps) {
      const o = { ...DEFAULTS[request.type], ...request };
      if (ref.type !== o.type) Object.assign(ref, fresh(), { type: o.type });
      ref.t += 1;
      const g = await s.call('gradients', { x, y, train: false });
      const answer = await s.call('step', { x, y, optimizer: request, train: false });
      if (answer.loss !== g.loss) worst = Infinity; // the loss before the update
      for (const n of names) {
        zeroed(ref.state[n], P[n].length);
        P[n] = update(o, P[n], A(g.grads[n]), ref.state[n], ref.t);
      }
      const got = (await s.call('get_params')).params;
      for (const n of names) worst = Math.max(worst, maxRelative(A(got[n]), P[n]));
    }
    return worst;
  };
  const start = () => Object.fromEntries(names.map((n) => [n, Array.from(A(P0[n]))]));

  for (const o of OPTIMIZERS) {
    await s.call('set_params', { params: P0 }); // empties the optimizer's state
    const worst = await run([o, o, o], { type: null }, start());
    check(`step: ${describe(o)}, 3 steps, as the formulas say`, worst <= BOUND, worst);
  }
  // Another type starts from empty state; a changed learning rate keeps it (a schedule).
  await s.call('set_params', { params: P0 });
  const sgd = { type: 'sgd', lr: 0.1, momentum: 0.9, nesterov: false, weight_decay: 0 };
  check('step: a new optimizer type starts from empty state', (await run([{ type: 'adam', lr: 0.01 }, sgd, sgd], { type: null }, start())) <= BOUND);
  await s.call('set_params', { params: P0 });
  check('step: a new learning rate keeps the state', (await run([{ type: 'adam', lr: 0.01 }, { type: 'adam', lr: 0.005 }, { type: 'adam', lr: 0.002 }], { type: null }, start())) <= BOUND);
  // The loss answered is the one before the update; step's train defaults to true (no dropout
  // or batchnorm here, so it equals evaluation).
  await s.call('set_params', { params: P0 });
  const before = (await s.call('loss', { x, y })).loss;
  const stepped = await s.call('step', { x, y, optimizer: { type: 'sgd', lr: 0.1 } });
  check('step: answers the loss before the update', stepped.loss === before && stepped.trace === undefined, `${stepped.loss} vs ${before}`);
}

async function checkBatchnormBuffers(s, check) {
  // Batchnorm 1d with momentum 0.2 on m = 6 values per feature. The buffers move by step in
  // training mode only, as running ← 0.8·running + 0.2·batch statistic, the variance unbiased
  // (·6/5). The means and variances here are computed as the client does (sums in sample
  // order), so they agree to a few roundings: 4u relative.
  const rng = new SplitMix64(5);
  const model = { inputs: 3, layers: [{ type: 'dense', units: 4 }, { type: 'batchnorm', momentum: 0.2, eps: 1e-5 }, { type: 'dense', units: 1 }] };
  await s.call('build', { model, loss: 'mse', seed: 4 });
  const x = T([6, 3], Array.from({ length: 18 }, () => rng.normal()));
  const y = T([6, 1], Array.from({ length: 6 }, () => rng.normal()));
  const P0 = (await s.call('get_params')).params;
  const g = await s.call('gradients', { x, y, train: true });
  const stepped = await s.call('step', { x, y, optimizer: { type: 'sgd', lr: 0.1, momentum: 0, nesterov: false, weight_decay: 0 }, trace: true });
  const P1 = (await s.call('get_params')).params;
  const h = A(stepped.trace[0]);
  const mean = [0, 1, 2, 3].map((c) => [0, 1, 2, 3, 4, 5].reduce((a, i) => a + h[i * 4 + c], 0) / 6);
  const variance = mean.map((mu, c) => [0, 1, 2, 3, 4, 5].reduce((a, i) => a + (h[i * 4 + c] - mu) ** 2, 0) / 6);
  check('batchnorm: step moves running_mean by momentum', maxRelative(A(P1['1.running_mean']), mean.map((mu) => 0.8 * 0 + 0.2 * mu)) <= 4 * U);
  check('batchnorm: step moves running_var by momentum, unbiased', maxRelative(A(P1['1.running_var']), variance.map((v) => 0.8 * 1 + (0.2 * v * 6) / 5)) <= 4 * U);
  check('batchnorm: the step used the training-mode gradient', stepped.loss === g.loss
    && ['0.weight', '1.weight', '1.bias', '2.weight'].every((n) => maxRelative(A(P1[n]), A(P0[n]).map((p, j) => p - 0.1 * A(g.grads[n])[j])) <= U));
  check('batchnorm: a training step\'s trace carries (empty) masks', JSON.stringify(stepped.masks) === '{}');
  await s.call('step', { x, y, optimizer: { type: 'sgd', lr: 0.1 }, train: false });
  const P2 = (await s.call('get_params')).params;
  check('batchnorm: an evaluation step leaves the buffers', identical(A(P2['1.running_mean']), A(P1['1.running_mean'])) && identical(A(P2['1.running_var']), A(P1['1.running_var'])));
}

async function checkDropoutMasks(s, check) {
  // 10000 draws at rate 0.3: the fraction of zeros is within 5 standard errors, 5·√(0.21/10⁴)
  // ≈ 0.023, of 0.3; every kept value is 1/(1 − 0.3).
  await s.call('build', { model: { inputs: 500, layers: [{ type: 'dropout', rate: 0.3 }] }, loss: 'mse', seed: 8 });
  const ones = T([20, 500], new Array(10000).fill(1));
  const f = await s.call('forward', { x: ones, train: true, trace: true });
  const mask = A(f.masks['0']);
  const zeros = mask.filter((v) => v === 0).length / mask.length;
  check('dropout: mask shaped as the input, values 0 or 1/(1 − rate)', f.masks['0'].shape.join() === '20,500' && mask.every((v) => v === 0 || v === 1 / 0.7));
  check('dropout: zeros at the rate', Math.abs(zeros - 0.3) <= 5 * Math.sqrt(0.21 / 1e4), zeros);
  check('dropout: y = x·mask', identical(A(f.y), mask) && identical(A(f.trace[0]), mask));
  check('dropout: evaluation is the identity', identical(A((await s.call('forward', { x: ones })).y), A(ones)));
  const again = await s.call('forward', { x: ones, train: true });
  check('dropout: each training pass draws its own mask; no trace, no masks', !identical(A(again.y), mask) && again.masks === undefined && again.trace === undefined);

  // The masks of gradients and step are those of their own pass: the trace shows them applied,
  // the loss and the last layer's gradient follow from the trace. bce on one output:
  // d loss/d z = (σ(z) − y)/n, and d loss/d W[k] = Σᵢ h[i, k]·(σ(zᵢ) − yᵢ)/n for the input h.
  const rng = new SplitMix64(6);
  const model = { inputs: 6, layers: [{ type: 'dense', units: 5 }, { type: 'tanh' }, { type: 'dropout', rate: 0.4 }, { type: 'dense', units: 1 }] };
  await s.call('build', { model, loss: 'bce_logits', seed: 9 });
  const x = T([4, 6], Array.from({ length: 24 }, () => rng.normal()));
  const y = T([4, 1], [1, 0, 0, 1]);
  const sigma = (z) => 1 / (1 + Math.exp(-z));
  const lastGradient = (trace) => {
    const [h, z] = [A(trace[2]), A(trace[3])];
    return [0, 1, 2, 3, 4].map((k) => [0, 1, 2, 3].reduce((a, i) => a + (h[i * 5 + k] * (sigma(z[i]) - y.data[i])) / 4, 0));
  };
  const applied = (a) => identical(A(a.trace[2]), A(a.trace[1]).map((v, i) => v * A(a.masks['2'])[i]));
  const P0 = (await s.call('get_params')).params;
  const g = await s.call('gradients', { x, y, train: true, trace: true });
  const replayed = await s.call('loss_from_layer', { layer: 3, x: g.trace[2], y });
  // The reference gradient sums four products in another order than the client: 1e-15 relative.
  check('gradients, training: trace and masks of that very pass', applied(g) && replayed.loss === g.loss
    && maxRelative(A(g.grads['3.weight']), lastGradient(g.trace)) <= 1e-15, `${replayed.loss} vs ${g.loss}`);
  const st = await s.call('step', { x, y, optimizer: { type: 'sgd', lr: 0.5, momentum: 0, nesterov: false, weight_decay: 0 }, train: true, trace: true });
  const P1 = (await s.call('get_params')).params;
  const expected = A(P0['3.weight']).map((p, k) => p - 0.5 * lastGradient(st.trace)[k]);
  await s.call('set_params', { params: P0 });
  const stepLoss = (await s.call('loss_from_layer', { layer: 3, x: st.trace[2], y })).loss;
  check('step, training: trace and masks of that very pass', applied(st) && stepLoss === st.loss && maxRelative(A(P1['3.weight']), expected) <= 1e-15);
}

async function checkTraining(s, check) {
  await checkOptimizers(s, check);
  await checkBatchnormBuffers(s, check);
  await checkDropoutMasks(s, check);
}

module.exports = { checkTraining };
