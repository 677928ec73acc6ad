#!/usr/bin/env node
'use strict';
// Self-test of nnbench_client.js, in plain Node.js (no framework):
//
//   node examples/node_client/test_client.js
//
// Everything but the first two checks talks to the client as nnbench does: a child process,
// one JSON line each way. What it checks:
//   - erf.js against a 400-bit reference, SplitMix64 against its published first outputs;
//   - docs/protocol.md's example exchange, answer by answer (values derived by hand below);
//   - on five models covering every layer type and loss, in evaluation and training mode: the
//     shape of every answer; every layer's input gradient and every parameter's gradient against
//     central differences, both end to end (loss, loss_from_layer) and layer by layer
//     (layer_forward with the pass's output gradient); layer_gradients consistent with
//     gradients and forward; a replay of every pass with layer_forward, dropout masks included;
//     that no op but step moves a parameter or a buffer;
//   - the optimizers against the formulas of docs/protocol.md, step by step;
//   - batchnorm's buffers, dropout's masks, pooling's routing, activations and losses at their
//     edges, initialisation, determinism, refusals, and shutdown's exit status.
// Tolerances are stated where they are used, with where they come from (test_support.js for
// central differences: h = 1e-6, bound 1e-5 relative with a floor of 1e-4).

const fs = require('node:fs');
const path = require('node:path');
const { erf, erfc } = require('./erf.js');
const { SplitMix64 } = require('./random.js');
const {
  Session, T, A, identical, maxRelative, ONE, erfReference, geluReference, relativeToFixed,
} = require('./test_support.js');
const { checkModels } = require('./test_models.js');
const { checkTraining } = require('./test_training.js');

const failures = [];
let passed = 0;

/** Records one check; `detail` says what was measured when it fails. */
function check(name, ok, detail = '') {
  if (ok) passed++;
  else failures.push(`${name}${detail ? `: ${detail}` : ''}`);
}

const U = 2 ** -53; // the unit roundoff of float64

// ---------------------------------------------------------------------------------------------

function checkErf() {
  // Both functions to within 1e-15 relative (≈ 9 ulp; erf.js measures about 2) at 600 points
  // of [0, 9], where erfc falls to 4e-37; erf is odd, and erfc(−x) = 2 − erfc(x).
  let worstErf = 0;
  let worstErfc = 0;
  for (let i = 0; i < 600; i++) {
    const x = (i + 0.5) * 0.015 * (1 + 1e-7); // off any grid the code could favour
    const exact = erfReference(x);
    worstErf = Math.max(worstErf, relativeToFixed(erf(x), exact));
    worstErfc = Math.max(worstErfc, relativeToFixed(erfc(x), ONE - exact));
  }
  console.log(`erf: worst relative error ${worstErf.toExponential(2)}, erfc ${worstErfc.toExponential(2)} (600 points of [0, 9])`);
  check('erf within 1e-15 relative', worstErf <= 1e-15, worstErf);
  check('erfc within 1e-15 relative', worstErfc <= 1e-15, worstErfc);
  check('erf is odd', [0.3, 1.7, 4].every((x) => erf(-x) === -erf(x)));
  check('erfc(−x) = 2 − erfc(x)', [0.3, 1.7, 4].every((x) => erfc(-x) === 2 - erfc(x)));
  check('erf at the ends', erf(Infinity) === 1 && erf(-Infinity) === -1 && erfc(40) === 0 && Number.isNaN(erf(NaN)));
}

function checkSplitMix() {
  const rng = new SplitMix64(0);
  const first = [0, 1, 2].map(() => rng.nextUint64().toString(16).padStart(16, '0'));
  check('SplitMix64 from seed 0 gives its published outputs', first.join() === 'e220a8397b1dcdaf,6e789e6aa1b965f4,06c45d188009454f', first.join());
}

// ---------------------------------------------------------------------------------------------
// docs/protocol.md, "A complete exchange": W = [[0.5, −1], [0.25, 0.5], [0, 1]], b = 0,
// x = [1, 2, 3], y = [0, 1]. Then z = x·W = [1, 3], relu(z) = [1, 3], and mse = (1² + 2²)/2 = 2.5.
// d loss/d output = 2(z − y)/2 = [1, 2], which relu passes (z > 0); dW = xᵀ·[1, 2] =
// [[1, 2], [2, 4], [3, 6]], db = [1, 2]; d loss/dx = [1, 2]·Wᵀ = [−1.5, 1.25, 2].

const EXAMPLE_ANSWERS = {
  2: '{"id":2,"ok":true,"params":[{"name":"0.weight","shape":[3,2],"trainable":true},{"name":"0.bias","shape":[2],"trainable":true}]}',
  3: '{"id":3,"ok":true}',
  4: '{"id":4,"ok":true,"loss":2.5}',
  5: '{"id":5,"ok":true,"loss":2.5,"grads":{"0.weight":{"shape":[3,2],"data":[1,2,2,4,3,6]},"0.bias":{"shape":[2],"data":[1,2]}}}',
  6: '{"id":6,"ok":true,"loss":2.5,"input_grads":[{"shape":[1,3],"data":[-1.5,1.25,2]},{"shape":[1,2],"data":[1,2]}],'
    + '"output_grads":[{"shape":[1,2],"data":[1,2]},{"shape":[1,2],"data":[1,2]}]}',
  7: '{"id":7,"ok":true}',
};

async function checkExample() {
  const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'protocol.md'), 'utf8');
  const block = doc.slice(doc.indexOf('## A complete exchange')).split('```')[1].split('\n');
  const requests = block.filter((l) => l.startsWith('> ')).map((l) => l.slice(2));
  const documented = block.filter((l) => l.startsWith('< ')).map((l) => JSON.parse(l.slice(2)));
  check('the example has 7 requests', requests.length === 7, requests.length);
  const s = new Session();
  const answers = [];
  for (const request of requests) answers.push(await s.line(request));
  console.log('docs/protocol.md example, this client\'s answers:');
  for (const a of answers) console.log(`  < ${a}`);
  const hello = JSON.parse(answers[0]);
  check('example: hello answers protocol 2, float64, the version 2 ops', hello.protocol === 2 && hello.dtype === 'float64'
    && ['gradients', 'step', 'trace', 'layer_gradients', 'layer_forward', 'loss_from_layer'].every((op) => hello.ops.includes(op)));
  for (const [i, expected] of Object.entries(EXAMPLE_ANSWERS)) check(`example: answer ${i}`, answers[i - 1] === expected, answers[i - 1]);
  check('example: shutdown exits with status 0', (await s.exited) === 0);
  // The document's numeric answers: reported, not failed, while they are placeholders.
  const differ = documented.filter((d, i) => ['loss', 'grads', 'input_grads', 'output_grads'].some((k) => k in d
    && JSON.stringify(d[k]) !== JSON.stringify(JSON.parse(answers[i])[k]))).map((d) => d.id);
  if (differ.length) console.log(`  NOTE: docs/protocol.md's answer lines ${differ.join(', ')} differ from these (its numbers are placeholders)`);
}

// ---------------------------------------------------------------------------------------------

async function checkHello(s) {
  const v1 = await s.call('hello');
  check('hello without protocol: a version 1 answer', v1.protocol === 1 && !v1.ops.includes('layer_gradients') && !v1.layers.includes('batchnorm'), JSON.stringify(v1));
  const v2 = await s.call('hello', { protocol: 2 });
  check('hello, protocol 2: every layer, loss, optimizer', v2.protocol === 2 && v2.layers.length === 14 && v2.losses.length === 3 && v2.optimizers.length === 4, JSON.stringify(v2));
  check('hello, protocol 3: answers 2', (await s.call('hello', { protocol: 3 })).protocol === 2);
}

async function checkInit(s) {
  // 20000 draws per init of a dense [100, 200] (fan_in 100, fan_out 200). The sample mean is
  // within 5 standard errors of 0 (σ/√N), the sample variance within 5 of its own: the relative
  // standard error of a variance is √(0.8/N) for a uniform, √(2/N) for a normal. A false alarm
  // at 5 standard errors has probability below 1e-6.
  const cases = {
    glorot_uniform: { bound: Math.sqrt(6 / 300) }, he_uniform: { bound: Math.sqrt(6 / 100) }, lecun_uniform: { bound: Math.sqrt(3 / 100) },
    glorot_normal: { sd: Math.sqrt(2 / 300) }, he_normal: { sd: Math.sqrt(2 / 100) }, lecun_normal: { sd: Math.sqrt(1 / 100) },
  };
  for (const [init, c] of Object.entries(cases)) {
    await s.call('build', { model: { inputs: 100, layers: [{ type: 'dense', units: 200, bias: true, init }] }, loss: 'mse', seed: 11 });
    const p = (await s.call('get_params')).params;
    const w = A(p['0.weight']);
    const N = w.length;
    const sd = c.bound ? c.bound / Math.sqrt(3) : c.sd;
    const mean = w.reduce((a, b) => a + b, 0) / N;
    const variance = w.reduce((a, b) => a + (b - mean) ** 2, 0) / N;
    const varianceError = Math.sqrt((c.bound ? 0.8 : 2) / N);
    check(`init ${init}: mean 0`, Math.abs(mean) <= (5 * sd) / Math.sqrt(N), mean);
    check(`init ${init}: variance`, Math.abs(variance / sd ** 2 - 1) <= 5 * varianceError, variance / sd ** 2);
    if (c.bound) check(`init ${init}: within ±bound`, w.every((v) => Math.abs(v) <= c.bound));
    check(`init ${init}: bias 0`, A(p['0.bias']).every((v) => v === 0));
  }
  for (const [init, value] of [['zeros', 0], ['constant(0.5)', 0.5]]) {
    await s.call('build', { model: { inputs: 3, layers: [{ type: 'dense', units: 2, init }] }, loss: 'mse', seed: 1 });
    check(`init ${init}`, A((await s.call('get_params')).params['0.weight']).every((v) => v === value));
  }
  // conv2d's fans are c·k·k = 36 and filters·k·k = 72: he_uniform's bound √(6/36). Of 288
  // uniform draws, the largest |w| is below 0.9·bound with probability 0.9^288 ≈ 6e-14.
  await s.call('build', { model: { inputs: [4, 5, 5], layers: [{ type: 'conv2d', filters: 8, kernel: 3, init: 'he_uniform' }] }, loss: 'mse', seed: 2 });
  const largest = Math.max(...A((await s.call('get_params')).params['0.weight']).map(Math.abs));
  check('conv2d init from fan_in = c·k·k', largest <= Math.sqrt(6 / 36) && largest > 0.9 * Math.sqrt(6 / 36), largest);
  // Determinism: the same seed gives the same bytes, weights and first dropout mask; another
  // seed others.
  const model = { inputs: 6, layers: [{ type: 'dense', units: 5 }, { type: 'dropout', rate: 0.5 }] };
  const x = T([4, 6], Array(24).fill(1));
  const draw = async (seed) => {
    await s.call('build', { model, loss: 'mse', seed });
    const params = JSON.stringify((await s.call('get_params')).params);
    return [params, JSON.stringify((await s.call('forward', { x, train: true, trace: true })).masks)];
  };
  const [a, b, c] = [await draw(5), await draw(5), await draw(6)];
  check('same seed, same weights and masks', a[0] === b[0] && a[1] === b[1]);
  check('another seed, other weights and masks', a[0] !== c[0] && a[1] !== c[1]);
}

async function checkActivations(s) {
  const through = async (layer, xs) => {
    await s.call('build', { model: { inputs: xs.length, layers: [layer] }, loss: 'mse', seed: 1 });
    const x = T([1, xs.length], xs);
    const y = A((await s.call('forward', { x })).y);
    const lg = await s.call('layer_gradients', { x, y: T([1, xs.length], xs.map(() => 0.5)) });
    const og = A(lg.output_grads[0]);
    return { y, derivative: A(lg.input_grads[0]).map((g, i) => g / og[i]) };
  };
  const relu = await through({ type: 'relu' }, [-1, 0, 2]);
  check('relu: derivative 0 at 0', identical(relu.derivative, [0, 0, 1]) && identical(relu.y, [0, 0, 2]), Array.from(relu.derivative));
  const leaky = await through({ type: 'leaky_relu', slope: 0.1 }, [-1, 0, 2]);
  check('leaky_relu: derivative slope at 0', maxRelative(leaky.derivative, [0.1, 0.1, 1]) <= U && identical(leaky.y, [-0.1, 0, 2]));
  // softplus is x itself above 20 (derivative exactly 1), ln(1 + eˣ) up to 20 (derivative σ).
  const xs = [-30, -1, 0, 1, 19.5, 20, 20.5, 30];
  const sp = await through({ type: 'softplus' }, xs);
  const logistic = (x) => 1 / (1 + Math.exp(-x));
  check('softplus: x above 20', sp.y[6] === 20.5 && sp.y[7] === 30 && sp.derivative[6] === 1 && sp.derivative[7] === 1);
  check('softplus: ln(1 + eˣ) up to 20', maxRelative(sp.y.slice(0, 6), xs.slice(0, 6).map((x) => Math.log1p(Math.exp(x)))) <= 2 * U && sp.y[5] > 20);
  check('softplus: derivative σ(x) up to 20', maxRelative(sp.derivative.slice(0, 6), xs.slice(0, 6).map(logistic)) <= 4 * U);
  // gelu(x) = x·(1 + erf(x/√2))/2 against 400 bits, x/√2 exact. The client rounds x/√2 (a
  // relative error u, which erfc's slope turns into about x²·u in the result), and erfc (2u),
  // the halving and the product add about 4u: the bound is twice (4 + x²)·u.
  const grid = Array.from({ length: 33 }, (_, i) => -8 + i * 0.5 + 1e-3);
  const gelu = await through({ type: 'gelu' }, grid);
  const worst = Math.max(...grid.map((x, i) => relativeToFixed(gelu.y[i], geluReference(x)) / ((4 + x * x) * U)));
  check('gelu = x·Φ(x), the exact form', worst <= 2, `worst error ${worst.toFixed(2)} × (4 + x²)·u`);
  console.log(`gelu: worst relative error ${worst.toFixed(2)} × (4 + x²)·u on [-8, 8]`);
}

async function checkPooling(s) {
  // Overlapping windows (size 2, stride 1) on a 3×3 plane, two samples: ties go to the first
  // maximum in row-major order, and every gradient lands where its window's maximum is, adding
  // up where windows share it.
  const x = T([2, 1, 3, 3], [1, 1, 0, 1, 1, 0, 0, 0, 0, /* */ 0, 0, 0, 0, 5, 0, 0, 0, 0]);
  const y = T([2, 4], [0, -1, -2, -3, 1, 2, 3, 4]);
  await s.call('build', { model: { inputs: [1, 3, 3], layers: [{ type: 'maxpool2d', size: 2, stride: 1 }, { type: 'flatten' }] }, loss: 'mse', seed: 1 });
  const max = await s.call('layer_gradients', { x, y });
  const og = A(max.output_grads[0]);
  const expected = new Float64Array(18);
  [0, 1, 3, 4].forEach((at, j) => { expected[at] += og[j]; }); // ties: the window's top left
  [4, 4, 4, 4].forEach((at, j) => { expected[9 + at] += og[4 + j]; }); // one maximum for all four
  check('maxpool2d: first maximum, overlapping gradients add up', identical(A(max.input_grads[0]), expected), JSON.stringify(max.input_grads[0].data));
  check('maxpool2d: values', identical(A((await s.call('forward', { x })).y), [1, 1, 1, 1, 5, 5, 5, 5]));
  await s.call('build', { model: { inputs: [1, 3, 3], layers: [{ type: 'avgpool2d', size: 2, stride: 1 }, { type: 'flatten' }] }, loss: 'mse', seed: 1 });
  const avg = await s.call('layer_gradients', { x, y });
  const ag = A(avg.output_grads[0]);
  const shared = new Float64Array(18);
  for (let i = 0; i < 2; i++) for (let oy = 0; oy < 2; oy++) for (let ox = 0; ox < 2; ox++) {
    for (const [a, b] of [[0, 0], [0, 1], [1, 0], [1, 1]]) shared[i * 9 + (oy + a) * 3 + ox + b] += ag[i * 4 + oy * 2 + ox] / 4;
  }
  // Sums of up to four terms in another order: within 4u of the largest.
  check('avgpool2d: the gradient shared equally, adding up', maxRelative(A(avg.input_grads[0]), shared) <= 4 * U);
  check('avgpool2d: values', identical(A((await s.call('forward', { x })).y), [1, 0.5, 0.5, 0.25, 1.25, 1.25, 1.25, 1.25]));
}

async function checkLosses(s) {
  // Logits of ±1000: each term is 0 or 1000 exactly in the stable forms, and so are the
  // gradients (σ and softmax are exactly 0 or 1 there).
  await s.call('build', { model: { inputs: 1, layers: [{ type: 'identity' }] }, loss: 'bce_logits', seed: 1 });
  const bce = await s.call('gradients', { x: T([4, 1], [1000, -1000, 1000, -1000]), y: T([4, 1], [1, 0, 0, 1]) });
  const bceIn = await s.call('layer_gradients', { x: T([4, 1], [1000, -1000, 1000, -1000]), y: T([4, 1], [1, 0, 0, 1]) });
  check('bce_logits at ±1000', bce.loss === 500 && identical(A(bceIn.output_grads[0]), [0, 0, 0.25, -0.25]), `${bce.loss} ${bceIn.output_grads[0].data}`);
  await s.call('build', { model: { inputs: 3, layers: [{ type: 'identity' }] }, loss: 'softmax_ce', seed: 1 });
  const xs = T([2, 3], [1000, 0, -1000, 1000, 0, -1000]);
  const ce = await s.call('layer_gradients', { x: xs, y: T([2], [0, 2]) });
  check('softmax_ce at ±1000', ce.loss === 1000 && identical(A(ce.output_grads[0]), [0, 0, 0, 0.5, 0, -0.5]), `${ce.loss} ${ce.output_grads[0].data}`);
  check('softmax_ce refuses a class out of range', (await s.request('loss', { x: xs, y: T([2], [0, 3]) })).ok === false);
}

async function checkRefusals(s) {
  const refused = async (what, op, fields) => check(`refused: ${what}`, (await s.request(op, fields)).ok === false);
  const bad = await s.line('{not json');
  check('refused: a line that is not JSON', JSON.parse(bad).ok === false && JSON.parse(bad).id === null, bad);
  await refused('an unknown op', 'fly', {});
  await refused('an unknown layer type', 'build', { model: { inputs: 3, layers: [{ type: 'lstm' }] }, loss: 'mse', seed: 1 });
  await refused('dense on an image', 'build', { model: { inputs: [1, 4, 4], layers: [{ type: 'dense', units: 2 }] }, loss: 'mse', seed: 1 });
  await refused('an unknown init', 'build', { model: { inputs: 3, layers: [{ type: 'dense', units: 2, init: 'orthogonal' }] }, loss: 'mse', seed: 1 });
  await s.call('build', { model: { inputs: 3, layers: [{ type: 'dense', units: 2 }, { type: 'batchnorm', momentum: 0.1, eps: 1e-5 }, { type: 'dropout', rate: 0.5 }] }, loss: 'mse', seed: 1 });
  const params = (await s.call('get_params')).params;
  const one = { x: T([1, 3], [1, 2, 3]), y: T([1, 2], [0, 1]) };
  await refused('x of the wrong shape', 'forward', { x: T([1, 4], [1, 2, 3, 4]) });
  await refused('set_params without a buffer', 'set_params', { params: { '0.weight': params['0.weight'], '0.bias': params['0.bias'], '1.weight': params['1.weight'], '1.bias': params['1.bias'], '1.running_mean': params['1.running_mean'] } });
  await refused('batchnorm in training on one value per channel', 'gradients', { ...one, train: true });
  await refused('a step on one value per channel', 'step', { ...one, optimizer: { type: 'sgd', lr: 0.1 } });
  await refused('an unknown optimizer', 'step', { x: T([2, 3], [1, 2, 3, 4, 5, 6]), y: T([2, 2], [0, 1, 1, 0]), optimizer: { type: 'lbfgs', lr: 1 } });
  await refused('dropout in training without its mask', 'layer_forward', { layer: 2, x: T([1, 2], [1, 2]), train: true });
  check('refusals leave parameters and buffers as they were', JSON.stringify((await s.call('get_params')).params) === JSON.stringify(params));
  check('batchnorm in evaluation takes one sample', (await s.request('gradients', one)).ok === true);
  check('refusals are logged on standard error', /refused/.test(s.stderr));
}

async function main() {
  const started = Date.now();
  checkErf();
  checkSplitMix();
  await checkExample();
  const s = new Session();
  await checkHello(s);
  await checkModels(s, check);
  await checkTraining(s, check);
  await checkInit(s);
  await checkActivations(s);
  await checkPooling(s);
  await checkLosses(s);
  await checkRefusals(s);
  check('shutdown: exit status 0', (await s.shutdown()) === 0);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  for (const f of failures) console.log(`FAILED ${f}`);
  console.log(`${passed} checks passed, ${failures.length} failed (${seconds} s)`);
  process.exitCode = failures.length ? 1 : 0;
}

main().catch((error) => {
  console.log(`ERROR ${error.stack}`);
  process.exitCode = 1;
});
