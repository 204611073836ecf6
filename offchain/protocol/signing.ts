/** Signing a request (validator side) and a response (miner side) with the canonical messages. */
import type { Address, Hex } from "viem";
import { bodyHash } from "./bodyHash.js";
import { encodeRequestHeaders } from "./headers.js";
import { requestMessage, responseMessage, type RequestFields, type ResponseFields } from "./messages.js";
import type { HotkeySigner } from "./signatures.js";

export interface RequestToSign {
  chainId: number;
  netuid: number;
  miner: Address;
  nonce: number;
  requestId: string;
  timeoutMs: number;
  body: Uint8Array;
}

export interface SignedRequest {
  fields: RequestFields;
  signature: Hex;
  headers: Record<string, string>;
}

export async function signRequest(signer: HotkeySigner, r: RequestToSign): Promise<SignedRequest> {
  const fields: RequestFields = {
    chainId: r.chainId,
    netuid: r.netuid,
    miner: r.miner.toLowerCase() as Address,
    validator: signer.address.toLowerCase() as Address,
    nonce: r.nonce,
    requestId: r.requestId,
    bodyHash: bodyHash(r.body),
    timeoutMs: r.timeoutMs,
  };
  const signature = await signer.signMessage({ message: requestMessage(fields) });
  return { fields, signature, headers: encodeRequestHeaders({ ...fields, signature }) };
}

export function signResponse(signer: HotkeySigner, fields: ResponseFields): Promise<Hex> {
  return signer.signMessage({ message: responseMessage(fields) });
}
