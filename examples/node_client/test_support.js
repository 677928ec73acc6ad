'use strict';
// What test_client.js needs besides the checks themselves: a client in a child process spoken
// to over its standard input and output, tensors, the comparison bounds, and a 400-bit
// reference for erf.

const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');

const CLIENT = path.join(__dirname, 'nnbench_client.js');

/**
 * The client as nnbench runs it: a child process, one JSON line each way per request. Requests
 * may be pipelined (several sent before the first answer arrives): answers come in order.
 */
class Session {
  constructor() {
    this.child = spawn(process.execPath, [CLIENT], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.waiting = [];
    this.stderr = '';
    this.nextId = 0;
    this.child.stderr.on('data', (chunk) => { this.stderr += chunk; });
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => {
      const resolve = this.waiting.shift();
      if (resolve) resolve(line);
      else throw new Error(`an answer nobody asked for: ${line}`);
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Sends one line; resolves to the answer line. */
  line(text) {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.stdin.write(`${text}\n`);
    });
  }

  /** Sends {id, op, ...fields}; resolves to the parsed answer, whatever its `ok`. */
  async request(op, fields = {}) {
    const id = ++this.nextId;
    const answer = JSON.parse(await this.line(JSON.stringify({ id, op, ...fields })));
    if (answer.id !== id) throw new Error(`${op}: answered id ${answer.id} to request ${id}`);
    return answer;
  }

  /** As request, but an ok: false answer is an error. */
  async call(op, fields = {}) {
    const answer = await this.request(op, fields);
    if (answer.ok !== true) throw new Error(`${op} refused: ${answer.error}`);
    return answer;
  }

  async shutdown() {
    await this.call('shutdown');
    return this.exited;
  }
}

/** A tensor for a request, from a shape and any array of numbers. */
function T(shape, data) {
  return { shape: [...shape], data: Array.from(data) };
}

/** An answer's tensor as a Float64Array (the strings "NaN", "Infinity" become numbers). */
function A(t) {
  return Float64Array.from(t.data, Number);
}

// Equal values (0 and −0 alike), NaN equal to NaN.
const identical = (a, b) => a.length === b.length && a.every((v, i) => v === b[i] || (Number.isNaN(v) && Number.isNaN(b[i])));

/** The largest |a − b| / max(1, |b|): for answers that must agree up to rounding. */
function maxRelative(a, b) {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}

// Central differences in float64. With step H = 1e-6 the truncation error is O(H²·f''') ≈ 1e-12
// and the rounding error ε·|loss|/H ≈ 1e-10 for a loss of order 1; against gradients of order
// 1e-4 or more (the floor below) both stay under 1e-6 relative, so GRADIENT_BOUND = 1e-5 leaves
// a margin of 10 and still catches any wrong factor, sign or index.
const H = 1e-6;
const GRADIENT_BOUND = 1e-5;
const GRADIENT_FLOOR = 1e-4;

/** The worst |a − n| / max(|a|, |n|, 1e-4) over two gradients, and where. */
function gradientError(analytic, numeric) {
  let worst = { error: 0, at: -1 };
  for (let i = 0; i < analytic.length; i++) {
    const error = Math.abs(analytic[i] - numeric[i]) / Math.max(Math.abs(analytic[i]), Math.abs(numeric[i]), GRADIENT_FLOOR);
    if (!(error <= worst.error)) worst = { error, at: i, analytic: analytic[i], numeric: numeric[i] };
  }
  return worst;
}

// ---------------------------------------------------------------------------------------------
// erf to 400 bits, as an independent reference for erf.js: the Maclaurin series DLMF 7.6.1,
// erf x = (2/√π) Σ (−1)ⁿ x^(2n+1)/(n!(2n+1)), in fixed point with BigInt (scale 2^400). Each
// truncation is below 2^-400, and the recurrence between terms magnifies an error by at most
// e^(x²) ≈ 2^117 at x = 9, so erf is exact to about 2^-280, while erfc(9) ≈ 2^-121 needs
// 2^-180 for 60 correct bits: far more than the double's 53.

const BITS = 400n;
const ONE = 1n << BITS;

/** A double exactly, in fixed point. */
function fixed(x) {
  let m = x;
  let e = 0n;
  while (!Number.isInteger(m)) { m *= 2; e++; } // exact: only the exponent changes
  return (BigInt(m) << BITS) >> e;
}

// arctan(1/k) by its series, for Machin's π = 16 arctan(1/5) − 4 arctan(1/239).
function arctanInverse(k) {
  const k2 = BigInt(k * k);
  let term = ONE / BigInt(k);
  let sum = term;
  for (let n = 1n; term !== 0n; n++) {
    term /= k2;
    sum += (n % 2n ? -term : term) / (2n * n + 1n);
  }
  return sum;
}

function integerSquareRoot(v) {
  let r = 1n << BigInt(Math.ceil(v.toString(2).length / 2)); // above the root: Newton descends
  for (;;) {
    const next = (r + v / r) >> 1n;
    if (next >= r) return r;
    r = next;
  }
}

const SQRT_PI = integerSquareRoot((16n * arctanInverse(5) - 4n * arctanInverse(239)) << BITS);

// erf of a fixed-point X ≥ 0, in fixed point.
function erfOfFixed(X) {
  const X2 = (X * X) >> BITS;
  let term = X;
  let sum = X;
  for (let n = 1n; term !== 0n; n++) {
    term = ((term * X2) >> BITS) / n;
    sum += (n % 2n ? -term : term) / (2n * n + 1n);
  }
  return ((2n * sum) << BITS) / SQRT_PI;
}

/** erf(x) for x ≥ 0 in fixed point (scale 2^400). */
function erfReference(x) {
  return erfOfFixed(fixed(x));
}

const SQRT2 = integerSquareRoot(2n << (2n * BITS));

/** gelu(x) = x·(1 + erf(x/√2))/2 in fixed point, with x/√2 exact. */
function geluReference(x) {
  const e = erfOfFixed((fixed(Math.abs(x)) << BITS) / SQRT2);
  const phi = (ONE + (x < 0 ? -e : e)) / 2n;
  return (fixed(x) * phi) >> BITS;
}

/** |approx − exact| / exact, with exact in fixed point. */
function relativeToFixed(approx, exact) {
  return Math.abs(Number(fixed(approx) - exact) / Number(exact));
}

module.exports = {
  Session, T, A, identical, maxRelative, H, GRADIENT_BOUND, gradientError,
  ONE, erfReference, geluReference, relativeToFixed,
};
