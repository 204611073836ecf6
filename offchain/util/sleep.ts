import { setTimeout as delay } from "node:timers/promises";

/** Waits `ms`, or less if `signal` aborts first. Never rejects: an abort just ends the wait. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => undefined);
}
