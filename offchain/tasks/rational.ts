/**
 * Exact rationals over BigInt, for unit conversions and decimal answers: parse a decimal string, compare, and
 * format to a stated number of decimal places (round half up, i.e. half away from zero on the magnitude).
 */

export interface Rational {
  /** Numerator (carries the sign). */
  n: bigint;
  /** Denominator, always > 0. */
  d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export function rational(n: bigint, d: bigint = 1n): Rational {
  if (d === 0n) throw new RangeError("rational: zero denominator");
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}

export function mul(a: Rational, b: Rational): Rational {
  return rational(a.n * b.n, a.d * b.d);
}

export function div(a: Rational, b: Rational): Rational {
  if (b.n === 0n) throw new RangeError("rational: division by zero");
  return rational(a.n * b.d, a.d * b.n);
}

export function equals(a: Rational, b: Rational): boolean {
  return a.n * b.d === b.n * a.d;
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * Most digits (integer and fraction part together) a parsed number may have; the exponent is at most 1000 in
 * magnitude. Longer numbers are not numbers: no answer needs them, and the BigInt arithmetic on them
 * (reduction, formatting) grows quadratically, so a miner could stall the validator with one crafted answer.
 */
export const MAX_DECIMAL_DIGITS = 64;
export const MAX_DECIMAL_EXPONENT = 1000;

/**
 * Parses "12", "-3.250", "1.5e3" exactly; undefined when `text` is not such a number, or has more than
 * MAX_DECIMAL_DIGITS digits or an exponent above MAX_DECIMAL_EXPONENT.
 */
export function parseDecimal(text: string): Rational | undefined {
  const m = DECIMAL.exec(text.trim());
  if (!m) return undefined;
  const [, sign, int, frac = "", exp = "0"] = m;
  if ((int as string).length + frac.length > MAX_DECIMAL_DIGITS || exp.length > 8) return undefined;
  const e = Number(exp);
  if (!Number.isSafeInteger(e) || Math.abs(e) > MAX_DECIMAL_EXPONENT) return undefined;
  let n = BigInt((int as string) + frac);
  let d = 10n ** BigInt(frac.length);
  if (e > 0) n *= 10n ** BigInt(e);
  if (e < 0) d *= 10n ** BigInt(-e);
  if (sign === "-") n = -n;
  return rational(n, d);
}

/**
 * Number of decimal places of `r` when it terminates in base 10, otherwise undefined. The power of 2 comes
 * from the lowest set bit, the power of 5 by binary descent over 5^(2^k): O(log) divisions, not one per
 * factor (which is quadratic in the size of the denominator).
 */
export function terminatingPlaces(r: Rational): number | undefined {
  let d = r.d;
  if (d <= 0n) return undefined;
  const twos = (d & -d).toString(2).length - 1;
  d >>= BigInt(twos);
  const powers: bigint[] = []; // 5^(2^k) for every k with 5^(2^k) | d
  for (let p = 5n; d % p === 0n; p *= p) powers.push(p);
  let fives = 0;
  for (let k = powers.length - 1; k >= 0; k--) {
    const p = powers[k] as bigint;
    if (d % p === 0n) {
      d /= p;
      fives += 2 ** k;
    }
  }
  return d === 1n ? Math.max(twos, fives) : undefined;
}

/** `r` rounded half up (on the magnitude) to `places` decimals, as an exact rational. */
export function roundTo(r: Rational, places: number): Rational {
  const scale = 10n ** BigInt(places);
  const neg = r.n < 0n;
  const mag = neg ? -r.n : r.n;
  const q = (mag * scale * 2n + r.d) / (r.d * 2n);
  return rational(neg ? -q : q, scale);
}

/** `r` as a decimal string with exactly `places` decimals (rounded half up); "-0" never appears. */
export function formatFixed(r: Rational, places: number): string {
  const rounded = roundTo(r, places);
  const scale = 10n ** BigInt(places);
  const scaled = (rounded.n * scale) / rounded.d; // exact: rounded.d divides scale
  const neg = scaled < 0n;
  const digits = (neg ? -scaled : scaled).toString().padStart(places + 1, "0");
  const int = digits.slice(0, digits.length - places);
  const frac = digits.slice(digits.length - places);
  return (neg ? "-" : "") + int + (places > 0 ? "." + frac : "");
}

/** The shortest exact decimal string of a terminating rational (no trailing zeros). */
export function formatExact(r: Rational): string {
  const places = terminatingPlaces(r);
  if (places === undefined) throw new RangeError(`formatExact: ${r.n}/${r.d} does not terminate`);
  return formatFixed(r, places);
}
