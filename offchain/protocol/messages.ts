/**
 * The canonical text each side signs with EIP-191 (`personal_sign`). One field a line, `key:value`, addresses
 * in lower case, numbers in decimal: any two implementations that agree on the fields produce the same bytes.
 *
 * Request (signed by the validator's hotkey):
 *   bittensor-evm/axon/v1
 *   chain:<chainId>
 *   netuid:<netuid>
 *   miner:<miner hotkey>
 *   validator:<validator hotkey>
 *   nonce:<nonce>
 *   request:<request id>
 *   body:<keccak256 of the exact body bytes>
 *   timeout:<ms>
 *
 * Response (signed by the miner's hotkey):
 *   bittensor-evm/axon/v1/response
 *   chain:<chainId>
 *   netuid:<netuid>
 *   miner:<miner hotkey>
 *   validator:<validator hotkey>
 *   request:<request id>
 *   body:<keccak256 of the exact response body bytes>
 */
import type { Address, Hex } from "viem";
import { REQUEST_DOMAIN, RESPONSE_DOMAIN } from "./constants.js";

/** Everything a request signature commits to. */
export interface RequestFields {
  chainId: number;
  netuid: number;
  miner: Address;
  validator: Address;
  nonce: number;
  requestId: string;
  bodyHash: Hex;
  timeoutMs: number;
}

/** Everything a response signature commits to. */
export interface ResponseFields {
  chainId: number;
  netuid: number;
  miner: Address;
  validator: Address;
  requestId: string;
  bodyHash: Hex;
}

export function requestMessage(f: RequestFields): string {
  return (
    `${REQUEST_DOMAIN}\nchain:${f.chainId}\nnetuid:${f.netuid}\nminer:${f.miner.toLowerCase()}` +
    `\nvalidator:${f.validator.toLowerCase()}\nnonce:${f.nonce}\nrequest:${f.requestId}` +
    `\nbody:${f.bodyHash.toLowerCase()}\ntimeout:${f.timeoutMs}`
  );
}

export function responseMessage(f: ResponseFields): string {
  return (
    `${RESPONSE_DOMAIN}\nchain:${f.chainId}\nnetuid:${f.netuid}\nminer:${f.miner.toLowerCase()}` +
    `\nvalidator:${f.validator.toLowerCase()}\nrequest:${f.requestId}\nbody:${f.bodyHash.toLowerCase()}`
  );
}
