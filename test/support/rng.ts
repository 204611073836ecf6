/** A seeded xorshift64* PRNG over BigInt, so that differential runs are reproducible from their seed. */
export class Rng {
  private state: bigint;

  constructor(seed: bigint) {
    this.state = seed === 0n ? 0x9e3779b97f4a7c15n : seed & ((1n << 64n) - 1n);
  }

  /** The next 64 random bits. */
  next(): bigint {
    let x = this.state;
    x ^= x >> 12n;
    x ^= (x << 25n) & ((1n << 64n) - 1n);
    x ^= x >> 27n;
    this.state = x;
    return (x * 0x2545f4914f6cdd1dn) & ((1n << 64n) - 1n);
  }

  /** Uniform in [lo, hi]. */
  between(lo: bigint, hi: bigint): bigint {
    if (hi < lo) throw new RangeError(`empty range [${lo}, ${hi}]`);
    const r = (this.next() << 64n) | this.next();
    return lo + (r % (hi - lo + 1n));
  }

  /** Log-uniform in [lo, hi] (lo >= 1): every order of magnitude equally often. */
  logBetween(lo: bigint, hi: bigint): bigint {
    const bitsLo = lo.toString(2).length;
    const bitsHi = hi.toString(2).length;
    const bits = Number(this.between(BigInt(bitsLo), BigInt(bitsHi)));
    const top = 1n << BigInt(bits);
    const v = this.between(top >> 1n, top - 1n);
    return v < lo ? lo : v > hi ? hi : v;
  }

  int(lo: number, hi: number): number {
    return Number(this.between(BigInt(lo), BigInt(hi)));
  }

  /** A fair coin. */
  bool(): boolean {
    return (this.next() & 1n) === 1n;
  }
}
