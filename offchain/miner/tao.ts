/** TAO amounts as people type them ("1.25") and as the chain counts them (rao, 1 TAO = 1e9 rao). */
export const RAO_PER_TAO = 1_000_000_000n;

/** "1.5" → 1_500_000_000n. At most 9 decimals, no sign, no exponent. */
export function parseTao(text: string): bigint {
  const m = /^(\d{1,12})(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (m === null)
    throw new Error(`${JSON.stringify(text)} is not a TAO amount: write it like 1 or 0.25 (at most 9 decimals)`);
  return BigInt(m[1]!) * RAO_PER_TAO + BigInt((m[2] ?? "").padEnd(9, "0"));
}

/** 1_500_000_000n → "1.5 TAO". */
export function formatTao(rao: bigint): string {
  const neg = rao < 0n;
  const v = neg ? -rao : rao;
  const frac = (v % RAO_PER_TAO).toString().padStart(9, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${v / RAO_PER_TAO}${frac === "" ? "" : `.${frac}`} TAO`;
}
