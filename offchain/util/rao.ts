/**
 * TAO and alpha amounts as people type them ("1.25") and as the chain counts them (rao, 1 TAO = 1e9 rao; alpha
 * has the same 9 decimals), for workers' messages and flags (the CLI's tables align theirs: cli/output.ts).
 */
export const RAO_PER_TAO = 1_000_000_000n;

/** "1.5" → 1_500_000_000n. At most 9 decimals, no sign, no exponent. */
export function parseTao(text: string): bigint {
  const m = /^(\d{1,12})(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (m === null)
    throw new Error(`${JSON.stringify(text)} is not a TAO amount: write it like 1 or 0.25 (at most 9 decimals)`);
  return BigInt(m[1]!) * RAO_PER_TAO + BigInt((m[2] ?? "").padEnd(9, "0"));
}

/** 1_500_000_000n → "1.5 TAO" (`unit` "α" for alpha): trailing zeros of the 9 decimals dropped. */
export function formatRao(rao: bigint, unit: "TAO" | "α"): string {
  const neg = rao < 0n;
  const v = neg ? -rao : rao;
  const frac = (v % RAO_PER_TAO).toString().padStart(9, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${v / RAO_PER_TAO}${frac === "" ? "" : `.${frac}`} ${unit}`;
}

/** 1_500_000_000n → "1.5 TAO". */
export function formatTao(rao: bigint): string {
  return formatRao(rao, "TAO");
}

/** 1_500_000_000n → "1.5 α". */
export function formatAlpha(rao: bigint): string {
  return formatRao(rao, "α");
}
