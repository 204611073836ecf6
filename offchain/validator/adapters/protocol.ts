/**
 * The addresses and clocks a validator or miner needs from a deployment. Both deployment shapes in the tree
 * (deploy/deployProtocol.ts with numbers, chain/deployments.ts with bigints) fit it.
 */
import {
  BaseError,
  getAddress,
  InsufficientFundsError,
  type Account,
  type Address,
  type Chain,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";

import { customErrorText, decodeRevert } from "../../chain/revert.js";
import { fundHotkeyCommand } from "../../wallet/fundHint.js";

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

/**
 * Why `sender`'s transaction was refused: {@link reason}, except that a sender without native coin is told how to
 * fund it whatever the node said (nodes word it differently: "exceeds the balance", "Missing or invalid
 * parameters"). Reads the balance only for a failure that is not a revert.
 */
export async function refusal(
  client: Pick<PublicClient, "getBalance">,
  sender: Address,
  err: unknown,
): Promise<string> {
  if (decodeRevert(err) === undefined) {
    const balance = await client.getBalance({ address: sender }).catch(() => undefined);
    if (balance === 0n) return NO_GAS;
  }
  return reason(err);
}

const NO_GAS = `the sender's native balance cannot pay the gas: fund it (a hotkey: \`${fundHotkeyCommand()}\`)`;

/** A short reason from a viem error (its custom error, else its shortMessage), for logs and thrown messages. */
export function reason(err: unknown): string {
  // A revert: its custom error with the values (or its raw selector when the ABI lacks it), not viem's first line
  // ("… reverted with the following signature:", which cuts the signature off).
  if (err instanceof BaseError) {
    if (err.walk((e) => e instanceof InsufficientFundsError) instanceof InsufficientFundsError) return NO_GAS;
    const r = decodeRevert(err);
    if (r?.kind === "custom") return `reverted with ${customErrorText(r)}`;
    if (r?.kind === "unknown") return `reverted with unknown error ${r.signature}`;
    if (r?.kind === "other" && r.reason) return `reverted: ${r.reason}`;
  }
  if (err instanceof Error) {
    const short = (err as { shortMessage?: string }).shortMessage;
    return (short ?? err.message).split("\n")[0] ?? String(err);
  }
  return String(err);
}
