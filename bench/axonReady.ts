/**
 * Waits until axons accept nonces from an accurate clock: an axon without a nonce store (and one on its store's
 * first start) refuses nonces dated before its start plus its clock skew (no replay across restarts), so a bench
 * that queried at once would measure refusals. With a store that has served the scope before, nothing to wait.
 */
export async function untilAccepting(fromMs: number): Promise<void> {
  const waitMs = fromMs - Date.now() + 5;
  if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
}
