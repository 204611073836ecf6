import {
  getAddress,
  type Account,
  type Address,
  type Chain,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { emissionAbi } from "../abi/index.js";
import { loadArtifact } from "./artifacts.js";

/** What a deployment records: the content of `deployments/<network>.json`. */
export interface Deployment {
  network: string;
  chainId: number;
  rpcUrl?: string;
  genesisTime: number;
  deploymentBlock: number;
  contracts: {
    TAO: Address;
    Emission: Address;
    SubnetRegistry?: Address;
    Staking?: Address;
    Weights?: Address;
    Settlement?: Address;
  };
}

export interface DeployOptions {
  network: string;
  rpcUrl?: string;
  /** Governance of every contract; defaults to the deployer. */
  owner?: Address;
  /** Chain time of slot 0; 0 (default) = the deployment block's timestamp. */
  genesisTime?: bigint;
  log?: (line: string) => void;
}

type Wallet = WalletClient<Transport, Chain | undefined, Account>;

async function deploy(
  publicClient: PublicClient,
  wallet: Wallet,
  name: string,
  args: readonly unknown[],
  log: (line: string) => void,
): Promise<{ address: Address; blockNumber: bigint }> {
  const artifact = loadArtifact(name);
  const hash = await wallet.deployContract({
    abi: artifact.abi,
    bytecode: artifact.bytecode,
    args,
    account: wallet.account,
    chain: wallet.chain,
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" || !receipt.contractAddress) {
    throw new Error(`deploying ${name} failed in transaction ${hash}`);
  }
  log(`${name.padEnd(16)} ${receipt.contractAddress}  (gas ${receipt.gasUsed})`);
  return { address: receipt.contractAddress, blockNumber: receipt.blockNumber };
}

/** Deploys the protocol's contracts in dependency order and wires them together. */
export async function deployProtocol(
  publicClient: PublicClient,
  wallet: Wallet,
  options: DeployOptions,
): Promise<Deployment> {
  const log = options.log ?? (() => {});
  const owner = options.owner ?? wallet.account.address;
  const chainId = await publicClient.getChainId();

  const emission = await deploy(publicClient, wallet, "Emission", [owner, options.genesisTime ?? 0n], log);
  const [tao, genesisTime] = await Promise.all([
    publicClient.readContract({ address: emission.address, abi: emissionAbi, functionName: "tao" }),
    publicClient.readContract({ address: emission.address, abi: emissionAbi, functionName: "genesisTime" }),
  ]);
  log(`${"TAO".padEnd(16)} ${tao}`);
  const contracts = { TAO: getAddress(tao), Emission: getAddress(emission.address) };

  return {
    network: options.network,
    chainId,
    ...(options.rpcUrl ? { rpcUrl: options.rpcUrl } : {}),
    genesisTime: Number(genesisTime),
    deploymentBlock: Number(emission.blockNumber),
    contracts,
  };
}
