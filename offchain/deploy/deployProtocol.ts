import {
  encodeDeployData,
  getAddress,
  type Account,
  type Abi,
  type Address,
  type Chain,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { emissionAbi, subnetRegistryAbi } from "../abi/index.js";
import { mintingGasLimit, type MintingContracts } from "../chain/coinbaseHeadroom.js";
import { loadArtifact } from "./artifacts.js";

/** What a deployment records: the content of `deployments/<network>.json` (a type alias, so it passes
 * through the deployments schema of offchain/chain/deployments.ts, which validates and writes it). */
export type Deployment = {
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
};

export interface DeployOptions {
  network: string;
  rpcUrl?: string;
  /** Governance of every contract; defaults to the deployer. */
  owner?: Address;
  /** Chain time of slot 0; 0 (default) = the deployment block's timestamp. */
  genesisTime?: bigint;
  /**
   * Route emission to Staking at the end (default true). A local network first mints a reserve to fund its
   * accounts (`Emission.grantReserve`) and then calls `routeEmission` itself.
   */
  routeEmission?: boolean;
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
  // A node's estimate is the least gas with which the creation succeeded on the state it estimated against, and
  // a creation that makes calls can need a little more when mined (Anvil's estimate for Staking equals the gas it
  // uses): a 20 % margin, unused gas is not charged.
  const data = encodeDeployData({ abi: artifact.abi, bytecode: artifact.bytecode, args });
  const estimate = await publicClient.estimateGas({ account: wallet.account, data });
  const hash = await wallet.deployContract({
    abi: artifact.abi,
    bytecode: artifact.bytecode,
    args,
    account: wallet.account,
    chain: wallet.chain,
    gas: estimate + estimate / 5n,
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" || !receipt.contractAddress) {
    const tx = await publicClient.getTransaction({ hash });
    const why = await publicClient
      .call({ account: tx.from, data: tx.input, gas: tx.gas, blockNumber: receipt.blockNumber - 1n })
      .then(
        () => "the same call succeeds on the state before its block",
        (e: unknown) => (e instanceof Error ? e.message.split("\n")[0] : String(e)),
      );
    throw new Error(
      `deploying ${name} failed in transaction ${hash} (gas used ${receipt.gasUsed} of ${tx.gas}, ` +
        `${artifact.bytecode.length / 2 - 1} bytes of init code): ${why}`,
    );
  }
  log(`${name.padEnd(16)} ${receipt.contractAddress}  (gas ${receipt.gasUsed})`);
  return { address: receipt.contractAddress, blockNumber: receipt.blockNumber };
}

async function call(
  publicClient: PublicClient,
  wallet: Wallet,
  name: string,
  address: Address,
  functionName: string,
  args: readonly unknown[],
  log: (line: string) => void,
  minting?: MintingContracts & { Staking: Address },
): Promise<void> {
  const abi: Abi = name === "SubnetRegistry" ? subnetRegistryAbi : loadArtifact(name).abi;
  // A call that mints first (Emission.setReceiver) can be estimated in a slot already minted and land in the next,
  // paying a first mint its estimate did not: the coinbase's headroom on top (unused gas is not charged).
  const gas =
    minting === undefined
      ? undefined
      : await mintingGasLimit(publicClient, { address, abi, functionName, args }, wallet.account, minting);
  const hash = await wallet.writeContract({
    address,
    abi,
    functionName,
    args,
    account: wallet.account,
    chain: wallet.chain,
    ...(gas === undefined ? {} : { gas }),
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`${name}.${functionName} failed in transaction ${hash}`);
  log(`${name}.${functionName}(${args.map(String).join(", ")})`);
}

/** Governance: minted TAO from now on goes to Staking, which splits it across subnets. */
export async function routeEmission(
  publicClient: PublicClient,
  wallet: Wallet,
  deployment: Deployment,
  log: (line: string) => void = () => {},
): Promise<void> {
  const { Emission, Staking } = deployment.contracts;
  if (!Staking) throw new Error("routeEmission: the deployment has no Staking contract");
  await call(publicClient, wallet, "Emission", Emission, "setReceiver", [Staking], log, { Emission, Staking });
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
  const registry = await deploy(publicClient, wallet, "SubnetRegistry", [owner, emission.address], log);
  const stakingModule = await deploy(
    publicClient,
    wallet,
    "StakingEmissionModule",
    [emission.address, registry.address],
    log,
  );
  const staking = await deploy(
    publicClient,
    wallet,
    "Staking",
    [emission.address, registry.address, stakingModule.address, owner],
    log,
  );
  const settlement = await deploy(
    publicClient,
    wallet,
    "Settlement",
    [owner, registry.address, staking.address, emission.address],
    log,
  );
  const weights = await deploy(
    publicClient,
    wallet,
    "Weights",
    [registry.address, settlement.address, emission.address],
    log,
  );
  await call(publicClient, wallet, "SubnetRegistry", registry.address, "setStaking", [staking.address], log);
  await call(publicClient, wallet, "SubnetRegistry", registry.address, "setPermits", [settlement.address], log);
  await call(publicClient, wallet, "SubnetRegistry", registry.address, "setWeightsContract", [weights.address], log);
  await call(publicClient, wallet, "Staking", staking.address, "setSettlement", [settlement.address], log);

  const deployment: Deployment = {
    network: options.network,
    chainId,
    ...(options.rpcUrl ? { rpcUrl: options.rpcUrl } : {}),
    genesisTime: Number(genesisTime),
    deploymentBlock: Number(emission.blockNumber),
    contracts: {
      TAO: getAddress(tao),
      Emission: getAddress(emission.address),
      SubnetRegistry: getAddress(registry.address),
      Staking: getAddress(staking.address),
      Weights: getAddress(weights.address),
      Settlement: getAddress(settlement.address),
    },
  };
  if (options.routeEmission ?? true) await routeEmission(publicClient, wallet, deployment, log);
  return deployment;
}
