/**
 * The addresses and clocks a validator or miner needs from a deployment. Both deployment shapes in the tree
 * (deploy/deployProtocol.ts with numbers, chain/deployments.ts with bigints) fit it.
 */
import { getAddress, type Account, type Address, type Chain, type Transport, type WalletClient } from "viem";

export type Wallet = WalletClient<Transport, Chain | undefined, Account>;

export interface ProtocolDeployment {
  chainId: number;
  genesisTime: number | bigint;
  deploymentBlock: number | bigint;
  contracts: {
    TAO: Address;
    Emission: Address;
    SubnetRegistry?: Address | undefined;
    Staking?: Address | undefined;
    Weights?: Address | undefined;
    Settlement?: Address | undefined;
  };
}

export interface ProtocolAddresses {
  chainId: number;
  genesisTime: bigint;
  deploymentBlock: bigint;
  TAO: Address;
  Emission: Address;
  SubnetRegistry: Address;
  Staking: Address;
  Weights: Address;
  Settlement: Address;
}

/** Every address a worker uses, checked present: the error names the missing contract and the fix. */
export function protocolAddresses(d: ProtocolDeployment): ProtocolAddresses {
  const need = (name: "SubnetRegistry" | "Staking" | "Weights" | "Settlement"): Address => {
    const a = d.contracts[name];
    if (a === undefined)
      throw new Error(`deployment on chain ${d.chainId} has no ${name}: redeploy the protocol (npm run deploy)`);
    return getAddress(a);
  };
  return {
    chainId: d.chainId,
    genesisTime: BigInt(d.genesisTime),
    deploymentBlock: BigInt(d.deploymentBlock),
    TAO: getAddress(d.contracts.TAO),
    Emission: getAddress(d.contracts.Emission),
    SubnetRegistry: need("SubnetRegistry"),
    Staking: need("Staking"),
    Weights: need("Weights"),
    Settlement: need("Settlement"),
  };
}

/** A short reason from a viem error (its shortMessage), for logs and thrown messages. */
export function reason(err: unknown): string {
  if (err instanceof Error) {
    const short = (err as { shortMessage?: string }).shortMessage;
    return (short ?? err.message).split("\n")[0] ?? String(err);
  }
  return String(err);
}
