/** Which protocol contract an address is (one concept: TAO or stake sent to one can never be got back). */
import { isAddressEqual, type Address } from "viem";
import type { Protocol } from "./chain-context.js";

/** The name of the deployment's protocol contract at `address`, if it is one. */
export function protocolContractAt(p: Protocol, address: Address): string | undefined {
  const contracts: Record<string, Address> = {
    TAO: p.tao,
    SubnetRegistry: p.registry,
    Staking: p.staking,
    Weights: p.weights,
    Settlement: p.settlement,
    Emission: p.emission,
  };
  return Object.keys(contracts).find((name) => isAddressEqual(contracts[name]!, address));
}
