/**
 * Waits until axons accept nonces from an accurate clock: an axon refuses nonces dated before its start plus its
 * clock skew (no replay across restarts), so a bench that queried at once would measure refusals.
 */
export async function untilAccepting(fromMs: number): Promise<void> {
  const waitMs = fromMs - Date.now() + 5;
  if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
}
