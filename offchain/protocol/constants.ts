/** Axon wire protocol, version 1: names and limits shared by the axon (miner) and the dendrite (validator). */

export const PROTOCOL_VERSION = 1;

/** First line of the message a validator signs for a request. */
export const REQUEST_DOMAIN = "bittensor-evm/axon/v1";
/** First line of the message a miner signs for a response. */
export const RESPONSE_DOMAIN = "bittensor-evm/axon/v1/response";

/** The one task endpoint: POST, JSON body, signed headers. */
export const FORWARD_PATH = "/v1/forward";
export const HEALTH_PATH = "/health";
export const METRICS_PATH = "/metrics";

/** Request headers (lower case, as Node delivers them). */
export const H = {
  version: "x-axon-version",
  chainId: "x-axon-chain-id",
  netuid: "x-axon-netuid",
  miner: "x-axon-miner",
  validator: "x-axon-validator",
  nonce: "x-axon-nonce",
  requestId: "x-axon-request-id",
  bodyHash: "x-axon-body-hash",
  timeoutMs: "x-axon-timeout-ms",
  signature: "x-axon-signature",
} as const;

/** Response headers of a non-streamed (JSON) answer. */
export const RH = {
  version: "x-axon-version",
  requestId: "x-axon-request-id",
  bodyHash: "x-axon-body-hash",
  signature: "x-axon-signature",
} as const;

export const JSON_CONTENT_TYPE = "application/json";
export const NDJSON_CONTENT_TYPE = "application/x-ndjson";

/** A request id: 1-64 characters of [A-Za-z0-9._:-] (a UUID fits); never contains a newline. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Nonce = `milliseconds since the Unix epoch × NONCE_PER_MS + sequence`: a timestamp with room for
 * 1,000 strictly increasing nonces per millisecond, and still a safe integer until the year 2255.
 */
export const NONCE_PER_MS = 1000;

/** The largest timeout a request may ask for (the axon also applies its own, smaller, cap). */
export const MAX_TIMEOUT_MS = 600_000;
