/** Request headers: building them on the dendrite, parsing them strictly on the axon. */
import type { Address, Hex } from "viem";
import { H, MAX_TIMEOUT_MS, PROTOCOL_VERSION, REQUEST_ID_PATTERN } from "./constants.js";
import { AxonRejection } from "./errors.js";
import type { RequestFields } from "./messages.js";

export interface SignedRequestHeaders extends RequestFields {
  signature: Hex;
}

export function encodeRequestHeaders(r: SignedRequestHeaders): Record<string, string> {
  return {
    [H.version]: String(PROTOCOL_VERSION),
    [H.chainId]: String(r.chainId),
    [H.netuid]: String(r.netuid),
    [H.miner]: r.miner,
    [H.validator]: r.validator,
    [H.nonce]: String(r.nonce),
    [H.requestId]: r.requestId,
    [H.bodyHash]: r.bodyHash,
    [H.timeoutMs]: String(r.timeoutMs),
    [H.signature]: r.signature,
  };
}

type HeaderBag = Record<string, string | string[] | undefined>;

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;
const SIGNATURE = /^0x[0-9a-fA-F]{130}$/;
const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;

function one(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new AxonRejection("bad_request", `header ${name} must appear once`);
  return v;
}

function required(headers: HeaderBag, name: string): string {
  const v = one(headers, name);
  if (v === undefined || v === "") throw new AxonRejection("bad_request", `header ${name} is missing`);
  return v;
}

function integer(headers: HeaderBag, name: string, min: number, max: number): number {
  const raw = required(headers, name);
  const n = DECIMAL.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new AxonRejection(
      "bad_request",
      `header ${name}=${JSON.stringify(raw.slice(0, 40))} must be an integer in [${min}, ${max}]`,
    );
  }
  return n;
}

function address(headers: HeaderBag, name: string): Address {
  const raw = required(headers, name);
  if (!ADDRESS.test(raw)) {
    throw new AxonRejection(
      "bad_request",
      `header ${name}=${JSON.stringify(raw.slice(0, 50))} must be a 0x-prefixed 20-byte address`,
    );
  }
  return raw.toLowerCase() as Address;
}

/**
 * Parses and checks the shape of every protocol header (values are checked against state later).
 * Throws AxonRejection: `unsigned` when there is no signature at all, `unsupported_version`, `bad_request`.
 */
export function parseRequestHeaders(headers: HeaderBag): SignedRequestHeaders {
  const signature = one(headers, H.signature);
  if (signature === undefined || signature === "") {
    throw new AxonRejection(
      "unsigned",
      `the request carries no ${H.signature} header: sign it with the validator's hotkey`,
    );
  }
  const version = one(headers, H.version);
  if (version !== String(PROTOCOL_VERSION)) {
    throw new AxonRejection(
      "unsupported_version",
      `${H.version}=${JSON.stringify((version ?? "").slice(0, 20))} is not supported: this axon speaks version ${PROTOCOL_VERSION}`,
    );
  }
  if (!SIGNATURE.test(signature)) {
    throw new AxonRejection("bad_signature", `${H.signature} must be a 65-byte hex signature`);
  }
  const requestId = required(headers, H.requestId);
  if (!REQUEST_ID_PATTERN.test(requestId)) {
    throw new AxonRejection("bad_request", `${H.requestId} must be 1-64 characters of [A-Za-z0-9._:-]`);
  }
  const bodyHash = required(headers, H.bodyHash);
  if (!HASH.test(bodyHash)) throw new AxonRejection("bad_request", `${H.bodyHash} must be a 0x-prefixed 32-byte hash`);
  return {
    chainId: integer(headers, H.chainId, 0, 2 ** 53 - 1),
    netuid: integer(headers, H.netuid, 0, 65_535),
    miner: address(headers, H.miner),
    validator: address(headers, H.validator),
    nonce: integer(headers, H.nonce, 1, Number.MAX_SAFE_INTEGER),
    requestId,
    bodyHash: bodyHash.toLowerCase() as Hex,
    timeoutMs: integer(headers, H.timeoutMs, 1, MAX_TIMEOUT_MS),
    signature: signature as Hex,
  };
}
