/**
 * Every error an axon answers with: HTTP status and the `error` code of its `{error, reason}` JSON body.
 * `reason` is a human sentence naming the offending value; `error` is stable and meant for programs.
 */
export const AXON_ERRORS = {
  bad_request: 400, // a protocol header is missing or malformed
  unsupported_version: 400,
  body_hash_mismatch: 400,
  malformed_json: 400,
  invalid_task: 400,
  unsigned: 401,
  bad_signature: 401,
  stale_nonce: 401,
  future_nonce: 401,
  replayed_nonce: 401,
  wrong_miner: 403,
  wrong_network: 403,
  unknown_hotkey: 403,
  no_permit: 403,
  not_found: 404,
  deadline_exceeded: 408,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
  backend_error: 502,
  overloaded: 503,
  evicted: 503,
  metagraph_unavailable: 503,
  backend_timeout: 504,
} as const;

export type AxonErrorCode = keyof typeof AXON_ERRORS;

/** A rejection decided by the axon; `status` follows from `code`. */
export class AxonRejection extends Error {
  readonly status: number;
  constructor(
    readonly code: AxonErrorCode,
    readonly reason: string,
  ) {
    super(`${code}: ${reason}`);
    this.name = "AxonRejection";
    this.status = AXON_ERRORS[code];
  }
}
