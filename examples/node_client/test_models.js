'use strict';
// The gradient and consistency checks of test_client.js, on five small models that between
// them hold every layer type, every loss and both batchnorms, all through the protocol.
//
// For each model, in evaluation and in training mode, from one layer_gradients answer:
//   - the pass is replayed layer by layer with layer_forward (dropout with the answer's masks,
//     batchnorm with batch statistics); the replayed output gives the answer's loss exactly,
//     and in evaluation it equals forward's trace exactly (same operations, same order);
//   - input_grads[L + 1] is output_grads[L], bit for bit;
//   - layer by layer: each layer's input gradient, and each parameter's gradient (from the
//     gradients op), equals the central difference of Σ output_grad · layer_forward(...);
//   - in evaluation also end to end: every input gradient against central differences of
//     loss_from_layer, every parameter gradient against central differences of loss.
// Bounds: test_support.js (H = 1e-6, GRADIENT_BOUND = 1e-5 with a floor of 1e-4).

const { SplitMix64 } = require('./random.js');
const { T, A, identical, H, GRADIENT_BOUND, gradientError } = require('./test_support.js');

function normals(count, rng) {
  return Array.from({ length: count }, () => rng.normal());
}

const MODELS = [
  {
    name: 'mlp', loss: 'softmax_ce', n: 5, inputs: [4],
    layers: [{ type: 'dense', units: 6, bias: true, init: 'he_normal' }, { type: 'gelu' }, { type: 'dense', units: 5, bias: false, init: 'lecun_uniform' },
      { type: 'softplus' }, { type: 'dense', units: 3 }],
    outShapes: [[6], [6], [5], [5], [3]],
    params: [['0.weight', [4, 6]], ['0.bias', [6]], ['2.weight', [6, 5]], ['4.weight', [5, 3]], ['4.bias', [3]]],
    targets: (n, rng) => T([n], Array.from({ length: n }, (_, i) => (i + Math.floor(3 * rng.uniform())) % 3)),
  },
  {
    name: 'activations', loss: 'bce_logits', n: 4, inputs: [3],
    layers: [{ type: 'dense', units: 4 }, { type: 'sigmoid' }, { type: 'dense', units: 4 }, { type: 'leaky_relu', slope: 0.1 },
      { type: 'dense', units: 4, init: 'glorot_normal' }, { type: 'relu' }, { type: 'dense', units: 2 }, { type: 'tanh' }, { type: 'identity' }],
    outShapes: [[4], [4], [4], [4], [4], [4], [2], [2], [2]],
    params: [['0.weight', [3, 4]], ['0.bias', [4]], ['2.weight', [4, 4]], ['2.bias', [4]], ['4.weight', [4, 4]], ['4.bias', [4]], ['6.weight', [4, 2]], ['6.bias', [2]]],
    targets: (n) => T([n, 2], Array.from({ length: 2 * n }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0)),
  },
  {
    name: 'batchnorm1d', loss: 'mse', n: 6, inputs: [3],
    layers: [{ type: 'dense', units: 5 }, { type: 'batchnorm', momentum: 0.2, eps: 1e-3 }, { type: 'relu' }, { type: 'dense', units: 2 }],
    outShapes: [[5], [5], [5], [2]],
    params: [['0.weight', [3, 5]], ['0.bias', [5]], ['1.weight', [5]], ['1.bias', [5]], ['1.running_mean', [5], false], ['1.running_var', [5], false],
      ['3.weight', [5, 2]], ['3.bias', [2]]],
    targets: (n, rng) => T([n, 2], normals(2 * n, rng)),
  },
  {
    name: 'conv-batchnorm2d', loss: 'softmax_ce', n: 3, inputs: [2, 4, 4],
    layers: [{ type: 'conv2d', filters: 3, kernel: 3, stride: 1, padding: 1, bias: true, init: 'glorot_uniform' }, { type: 'batchnorm' },
      { type: 'maxpool2d', size: 3, stride: 1 }, { type: 'relu' }, { type: 'flatten' }, { type: 'dense', units: 3 }],
    outShapes: [[3, 4, 4], [3, 4, 4], [3, 2, 2], [3, 2, 2], [12], [3]],
    params: [['0.weight', [3, 2, 3, 3]], ['0.bias', [3]], ['1.weight', [3]], ['1.bias', [3]], ['1.running_mean', [3], false], ['1.running_var', [3], false],
      ['5.weight', [12, 3]], ['5.bias', [3]]],
    targets: (n) => T([n], Array.from({ length: n }, (_, i) => i % 3)),
  },
  {
    name: 'conv-dropout', loss: 'bce_logits', n: 3, inputs: [1, 7, 7],
    layers: [{ type: 'conv2d', filters: 2, kernel: 3, stride: 2, padding: 1, bias: false, init: 'he_uniform' }, { type: 'tanh' },
      { type: 'avgpool2d', size: 2, stride: 1 }, { type: 'conv2d', filters: 2, kernel: 2, init: 'lecun_normal' }, { type: 'flatten' },
      { type: 'dropout', rate: 0.5 }, { type: 'dense', units: 1 }],
    outShapes: [[2, 4, 4], [2, 4, 4], [2, 3, 3], [2, 2, 2], [8], [8], [1]],
    params: [['0.weight', [2, 1, 3, 3]], ['3.weight', [2, 2, 2, 2]], ['3.bias', [2]], ['6.weight', [8, 1]], ['6.bias', [1]]],
    targets: () => T([3, 1], [1, 0, 1]),
  },
];

const perturbed = (data, k, delta) => {
  const copy = Float64Array.from(data);
  copy[k] += delta;
  return copy;
};

/**
 * For k = 0 … count−1: Σ_j weights_j·(f(k, +H)_j − f(k, −H)_j)/(2H), where f(k, δ) resolves
 * to a vector (the requests of all k are sent at once: the client answers them in order).
 */
async function centralDifferences(count, f, weights) {
  const pending = [];
  for (let k = 0; k < count; k++) pending.push(f(k, H), f(k, -H));
  const values = await Promise.all(pending);
  return Float64Array.from({ length: count }, (_, k) => {
    let sum = 0;
    for (let j = 0; j < weights.length; j++) sum += weights[j] * (values[2 * k][j] - values[2 * k + 1][j]);
    return sum / (2 * H);
  });
}

async function checkModel(s, check, m, worst) {
  const rng = new SplitMix64(2024);
  const { n, layers } = m;
  const L = layers.length;
  const inShape = (l) => [n, ...(l === 0 ? m.inputs : m.outShapes[l - 1])];
  const trainable = m.params.filter((p) => p[2] !== false).map((p) => p[0]);
  const hasDropout = layers.some((l) => l.type === 'dropout');
  const gradientCheck = (what, analytic, numeric) => {
    const e = gradientError(analytic, numeric);
    worst.error = Math.max(worst.error, e.error);
    worst.checks++;
    check(`${m.name}: ${what} against central differences`, e.error <= GRADIENT_BOUND, `rel. error ${e.error.toExponential(2)} at ${e.at}: ${e.analytic} vs ${e.numeric}`);
  };

  const built = await s.call('build', { model: { inputs: m.inputs.length === 1 ? m.inputs[0] : m.inputs, layers }, loss: m.loss, seed: 7 });
  const listed = built.params.map((p) => `${p.name} [${p.shape}]${p.trainable ? '' : ' buffer'}`).join(', ');
  const expected = m.params.map(([name, shape, t]) => `${name} [${shape}]${t === false ? ' buffer' : ''}`).join(', ');
  check(`${m.name}: build lists the parameters and buffers of the spec's table`, listed === expected, listed);
  const x = T(inShape(0), normals(inShape(0).reduce((a, b) => a * b), rng));
  const y = m.targets(n, rng);
  const start = JSON.stringify((await s.call('get_params')).params);

  const f = await s.call('forward', { x, train: false, trace: true });
  check(`${m.name}: forward's y and trace shapes`, f.trace.length === L && f.trace.every((t, l) => t.shape.join() === inShape(l + 1).join())
    && f.y.shape.join() === inShape(L).join() && identical(A(f.y), A(f.trace[L - 1])) && f.masks === undefined);

  for (const train of [false, true]) {
    const mode = train ? 'training' : 'evaluation';
    const lg = await s.call('layer_gradients', { x, y, train });
    check(`${m.name}, ${mode}: layer_gradients shapes`, lg.input_grads.every((t, l) => t.shape.join() === inShape(l).join())
      && lg.output_grads.every((t, l) => t.shape.join() === inShape(l + 1).join()) && lg.input_grads.length === L && lg.output_grads.length === L);
    const dropouts = layers.map((l, i) => (l.type === 'dropout' ? String(i) : null)).filter((i) => i !== null);
    check(`${m.name}, ${mode}: masks for every dropout layer, in training only`, train ? Object.keys(lg.masks).join() === dropouts.join() : lg.masks === undefined);
    const maskOf = (l) => (train && layers[l].type === 'dropout' ? lg.masks[String(l)] : undefined);

    // The pass of layer_gradients, replayed layer by layer: h[l] is layer l's input.
    const h = [A(x)];
    for (let l = 0; l < L; l++) h.push(A((await s.call('layer_forward', { layer: l, x: T(inShape(l), h[l]), train, mask: maskOf(l) })).y));
    if (!train) check(`${m.name}: layer_forward replays forward's trace exactly`, f.trace.every((t, l) => identical(A(t), h[l + 1])));
    const replayed = await s.call('loss_from_layer', { layer: L, x: T(inShape(L), h[L]), y });
    check(`${m.name}, ${mode}: the replayed pass gives layer_gradients' loss exactly`, replayed.loss === lg.loss, `${replayed.loss} vs ${lg.loss}`);
    check(`${m.name}, ${mode}: input_grads[L + 1] is output_grads[L]`, lg.output_grads.slice(0, -1).every((t, l) => identical(A(t), A(lg.input_grads[l + 1]))));

    // The loss's gradient, then every layer's backward pass on its own.
    const lossAt = (l, data) => s.call('loss_from_layer', { layer: l, x: T(inShape(l), data), y }).then((a) => [a.loss]);
    gradientCheck(`${mode}, d loss/d output`, A(lg.output_grads[L - 1]), await centralDifferences(h[L].length, (k, d) => lossAt(L, perturbed(h[L], k, d)), [1]));
    for (let l = 0; l < L; l++) {
      const through = (data) => s.call('layer_forward', { layer: l, x: T(inShape(l), data), train, mask: maskOf(l) }).then((a) => A(a.y));
      const numeric = await centralDifferences(h[l].length, (k, d) => through(perturbed(h[l], k, d)), A(lg.output_grads[l]));
      gradientCheck(`${mode}, layer ${l} (${layers[l].type}): input gradient from its output gradient`, A(lg.input_grads[l]), numeric);
    }

    // Parameters (in training with dropout, gradients would draw other masks than lg's).
    if (train && hasDropout) continue;
    const g = await s.call('gradients', { x, y, train });
    check(`${m.name}, ${mode}: gradients and layer_gradients agree on the loss`, g.loss === lg.loss, `${g.loss} vs ${lg.loss}`);
    check(`${m.name}, ${mode}: a gradient for every trainable parameter`, Object.keys(g.grads).join() === trainable.join()
      && trainable.every((p) => g.grads[p].shape.join() === m.params.find((q) => q[0] === p)[1].join()));
    const params = (await s.call('get_params')).params;
    const setting = (p, k, d) => s.call('set_params', { params: { ...params, [p]: T(params[p].shape, perturbed(A(params[p]), k, d)) } });
    for (const p of trainable) {
      const l = Number(p.split('.')[0]);
      const count = A(params[p]).length;
      const local = await centralDifferences(count, (k, d) => Promise.all([setting(p, k, d),
        s.call('layer_forward', { layer: l, x: T(inShape(l), h[l]), train, mask: maskOf(l) })]).then(([, a]) => A(a.y)), A(lg.output_grads[l]));
      gradientCheck(`${mode}, ${p} from layer ${l}'s output gradient`, A(g.grads[p]), local);
      if (!train) {
        const whole = await centralDifferences(count, (k, d) => Promise.all([setting(p, k, d), s.call('loss', { x, y })]).then(([, a]) => [a.loss]), [1]);
        gradientCheck(`${mode}, ${p} end to end (loss)`, A(g.grads[p]), whole);
      }
    }
    await s.call('set_params', { params });
    if (!train) {
      for (let l = 0; l < L; l++) {
        const numeric = await centralDifferences(h[l].length, (k, d) => lossAt(l, perturbed(h[l], k, d)), [1]);
        gradientCheck(`${mode}, input of layer ${l} end to end (loss_from_layer)`, A(lg.input_grads[l]), numeric);
      }
    }
  }
  check(`${m.name}: no op but step moved a parameter or a buffer`, JSON.stringify((await s.call('get_params')).params) === start);
}

async function checkModels(s, check) {
  const worst = { error: 0, checks: 0 };
  for (const m of MODELS) await checkModel(s, check, m, worst);
  console.log(`gradients: ${worst.checks} central-difference comparisons on ${MODELS.length} models, worst relative error ${worst.error.toExponential(2)} (bound ${GRADIENT_BOUND})`);
}

module.exports = { checkModels };
