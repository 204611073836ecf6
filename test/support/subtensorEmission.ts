/**
 * An independent BigInt transcription of subtensor's `get_block_emission_for_issuance`
 * (subtensor-reference.md §2), step by step in I96F32 (32 fractional bits) as substrate-fixed computes it:
 * `fraction = I / 21e15`, `residual = log2(1 / (1 - fraction))`, `k = floor(residual)`,
 * `emission = floor((1 / 2^k) * 1e9)`. It deliberately shares no code with the Solidity closed form.
 */
const FRAC = 32n;
const ONE = 1n << FRAC;
const TOTAL_SUPPLY = 21_000_000_000_000_000n;
const DEFAULT_BLOCK_EMISSION = 1_000_000_000n;

const fromInt = (v: bigint): bigint => v << FRAC;
const div = (a: bigint, b: bigint): bigint => (b === 0n ? 0n : (a << FRAC) / b); // truncating, ÷0 → 0
const mul = (a: bigint, b: bigint): bigint => (a * b) >> FRAC; // floor
/** floor(log2(x)) of a positive I96F32 raw value: the position of its top bit minus the fractional bits. */
const floorLog2 = (raw: bigint): bigint => BigInt(raw.toString(2).length - 1) - FRAC;

export function subtensorBlockEmission(issuance: bigint): bigint {
  if (issuance >= TOTAL_SUPPLY) return 0n;
  const fraction = div(fromInt(issuance), fromInt(TOTAL_SUPPLY));
  const reciprocal = div(ONE, ONE - fraction);
  const k = floorLog2(reciprocal);
  const multiplier = ONE << k; // 2^k
  const percentage = div(ONE, multiplier);
  return mul(percentage, fromInt(DEFAULT_BLOCK_EMISSION)) >> FRAC;
}

/** Minting slot by slot, each slot at the emission of the issuance before it, never past the cap. */
export function mintSlotBySlot(issuance: bigint, slots: number): bigint {
  let supply = issuance;
  for (let i = 0; i < slots; i++) {
    let e = subtensorBlockEmission(supply);
    if (e === 0n) break;
    if (supply + e > TOTAL_SUPPLY) e = TOTAL_SUPPLY - supply;
    supply += e;
  }
  return supply - issuance;
}
