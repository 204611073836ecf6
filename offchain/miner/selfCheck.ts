/**
 * Before publishing an endpoint on chain, check that it really reaches this axon from the outside path:
 * GET <endpoint>/health must answer, as this hotkey. Publishing an endpoint nobody can reach would cost a
 * transaction and earn nothing.
 */
import type { Address } from "viem";
import { HEALTH_PATH } from "../protocol/constants.js";

export class SelfCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SelfCheckError";
  }
}

export type HealthFetcher = (url: string, signal: AbortSignal) => Promise<{ status: number; json(): Promise<unknown> }>;

export async function checkEndpoint(
  endpoint: string,
  hotkey: Address,
  fetcher: HealthFetcher = (u, signal) => fetch(u, { signal }),
  timeoutMs = 5_000,
): Promise<void> {
  const url = `${endpoint.replace(/\/+$/, "")}${HEALTH_PATH}`;
  let res;
  try {
    res = await fetcher(url, AbortSignal.timeout(timeoutMs));
  } catch (err) {
    const cause = (err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new SelfCheckError(
      `${url} did not answer (${cause}): open the port to this machine or fix --external-url before serving`,
    );
  }
  if (res.status !== 200)
    throw new SelfCheckError(
      `${url} answered HTTP ${res.status}: another service holds that address; fix --external-url or the port`,
    );
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new SelfCheckError(`${url} did not answer with this axon's JSON: another service holds that address`);
  }
  const seen = (body as { hotkey?: unknown })?.hotkey;
  if (typeof seen !== "string" || seen.toLowerCase() !== hotkey.toLowerCase()) {
    throw new SelfCheckError(
      `${url} answers as hotkey ${String(seen)}, not ${hotkey}: the endpoint reaches another axon`,
    );
  }
}
