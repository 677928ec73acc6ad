'use strict';
// Random numbers from a seed, and the initial weights (docs/protocol.md, "Initialisation").
//
// The generator is SplitMix64 (G. Steele, D. Lea, C. Flood, "Fast splittable pseudorandom number
// generators", OOPSLA 2014; the constants are those of S. Vigna's public-domain splitmix64.c):
// a 64-bit counter advanced by the golden-ratio increment 0x9E3779B97F4A7C15, each state mixed
// into an output by two xor-shift-multiply rounds. It is written with BigInt, JavaScript's exact
// integers, reduced to 64 bits after every operation: slower than 32-bit tricks (about 50 ns a
// draw) but reads as the definition. The first outputs from seed 0 are 0xe220a8397b1dcdaf,
// 0x6e789e6aa1b965f4, 0x06c45d188009454f (test_client.js checks them).

const { ProtocolError } = require('./values.js');

const MASK = (1n << 64n) - 1n;

class SplitMix64 {
  /** `seed`: an integer in 0 … 2^64 − 1 (a Number up to 2^53 or a BigInt). */
  constructor(seed) {
    this.state = BigInt(seed) & MASK;
  }

  /** The next 64-bit output, as a BigInt. */
  nextUint64() {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & MASK;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
    return z ^ (z >> 31n);
  }

  /** Uniform in [0, 1): the top 53 bits of an output, times 2^-53 (every value exact). */
  uniform() {
    return Number(this.nextUint64() >> 11n) * 2 ** -53;
  }

  /**
   * Standard normal, by the Box–Muller transform (G. Box, M. Muller, Ann. Math. Statist. 29,
   * 1958): √(−2 ln u₁)·cos(2π u₂) with u₁ in (0, 1], so that the logarithm is finite. The
   * transform's second normal, the sine, is not used: one draw is two uniforms, always.
   */
  normal() {
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}

// How each `init` draws, from the weight's fans: a uniform bound or a normal deviation.
const DISTRIBUTIONS = {
  glorot_uniform: (fanIn, fanOut) => ({ bound: Math.sqrt(6 / (fanIn + fanOut)) }),
  glorot_normal: (fanIn, fanOut) => ({ deviation: Math.sqrt(2 / (fanIn + fanOut)) }),
  he_uniform: (fanIn) => ({ bound: Math.sqrt(6 / fanIn) }),
  he_normal: (fanIn) => ({ deviation: Math.sqrt(2 / fanIn) }),
  lecun_uniform: (fanIn) => ({ bound: Math.sqrt(3 / fanIn) }),
  lecun_normal: (fanIn) => ({ deviation: Math.sqrt(1 / fanIn) }),
  zeros: () => ({ constant: 0 }),
};

/**
 * How a layer's `init` field draws a weight with these fans; throws ProtocolError for a name it
 * does not know. `constant(v)` is written as that string, e.g. "constant(0.5)".
 */
function distribution(init, fanIn, fanOut, where) {
  if (init === undefined) init = 'glorot_uniform'; // a version 1 request has no init
  const constant = typeof init === 'string' && /^constant\((.+)\)$/.exec(init);
  if (constant) {
    const value = Number(constant[1]);
    if (!Number.isFinite(value)) throw new ProtocolError(`${where}: init ${JSON.stringify(init)} needs a finite number`);
    return { constant: value };
  }
  if (!Object.hasOwn(DISTRIBUTIONS, init)) {
    const known = Object.keys(DISTRIBUTIONS).concat('constant(v)').join(', ');
    throw new ProtocolError(`${where}: unknown init ${JSON.stringify(init)} (known: ${known})`);
  }
  return DISTRIBUTIONS[init](fanIn, fanOut);
}

/** `count` values drawn from `rng` as `how` (from distribution) says. */
function draw(how, count, rng) {
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    if (how.bound !== undefined) values[i] = (2 * rng.uniform() - 1) * how.bound;
    else if (how.deviation !== undefined) values[i] = how.deviation * rng.normal();
    else values[i] = how.constant;
  }
  return values;
}

module.exports = { SplitMix64, distribution, draw };
