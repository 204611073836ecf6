/**
 * Seeded integer PRNG for task generation: xoshiro128** (32-bit state words, `Math.imul` and shifts only), its
 * state filled from the seed by cyrb128 string hashing. No `Math.random`, no floats: the same seed gives the same
 * sequence on every platform and Node version.
 */

export type Seed = string | number | bigint;

/** 128 bits of hash of `text` (cyrb128), as four uint32 words. */
export function hash128(text: string): [number, number, number, number] {
  let h1 = 1779033703,
    h2 = 3144134277,
    h3 = 1013904242,
    h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** A short hex id (64 bits of cyrb128) for `text`. */
export function hashId(text: string): string {
  const [a, b] = hash128(text);
  return a.toString(16).padStart(8, "0") + b.toString(16).padStart(8, "0");
}

export class Rng {
  private s: [number, number, number, number];

  constructor(seed: Seed) {
    const s = hash128(`rng:${String(seed)}`);
    // xoshiro must not start from the all-zero state.
    if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
    this.s = s;
  }

  /** The next uint32 (xoshiro128**). */
  u32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform integer in [lo, hi] (inclusive), unbiased (rejection sampling); needs hi - lo < 2^32. */
  int(lo: number, hi: number): number {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi < lo) {
      throw new RangeError(`Rng.int: bad range [${lo}, ${hi}]`);
    }
    const span = hi - lo + 1;
    if (span > 2 ** 32) throw new RangeError(`Rng.int: range [${lo}, ${hi}] wider than 2^32; use bigint()`);
    if (span === 2 ** 32) return lo + this.u32();
    const limit = 2 ** 32 - (2 ** 32 % span);
    for (;;) {
      const x = this.u32();
      if (x < limit) return lo + (x % span);
    }
  }

  /** Uniform bigint in [lo, hi] (inclusive), unbiased. */
  bigint(lo: bigint, hi: bigint): bigint {
    if (hi < lo) throw new RangeError(`Rng.bigint: bad range [${lo}, ${hi}]`);
    const span = hi - lo + 1n;
    let bits = 0n;
    while (1n << bits < span) bits += 32n;
    const space = 1n << bits;
    const limit = space - (space % span);
    for (;;) {
      let x = 0n;
      for (let b = 0n; b < bits; b += 32n) x = (x << 32n) | BigInt(this.u32());
      if (x < limit) return lo + (x % span);
    }
  }

  /** True with probability num/den. */
  chance(num: number, den: number): boolean {
    return this.int(0, den - 1) < num;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("Rng.pick: empty array");
    return items[this.int(0, items.length - 1)] as T;
  }

  /** An index drawn with integer weights (at least one weight > 0). */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((a, w) => a + w, 0);
    if (!(total > 0)) throw new RangeError("Rng.weighted: weights sum to 0");
    let x = this.int(0, total - 1);
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i] as number;
      if (x < w) return i;
      x -= w;
    }
    return weights.length - 1;
  }

  /** A Fisher-Yates shuffled copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
