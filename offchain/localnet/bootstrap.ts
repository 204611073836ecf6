import {
  encodePacked,
  getAddress,
  maxUint256,
  type Account,
  type Address,
  type Chain,
  type Hex,
  type LocalAccount,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { emissionAbi, stakingAbi, subnetRegistryAbi, taoAbi } from "../abi/index.js";
import { slotOf } from "../epoch/blockAtSlot.js";
import { formatTao } from "../util/rao.js";
import { deployProtocol, routeEmission, type Deployment } from "../deploy/deployProtocol.js";
import { mintingGasLimit, type MintingContracts } from "../chain/coinbaseHeadroom.js";

const TAO = 1_000_000_000n;

export type Wallet = WalletClient<Transport, Chain | undefined, Account>;

/** What a local network needs from the chain beyond reads and writes: moving time, funding gas. */
export interface LocalChain {
  publicClient: PublicClient;
  /** A wallet client that signs as `account`. */
  wallet(account: LocalAccount): Wallet;
  /** Advances chain time by `seconds` and mines a block. */
  increaseTime(seconds: number): Promise<void>;
  /** Sets an account's native balance (gas for hotkeys). */
  setBalance(address: Address, wei: bigint): Promise<void>;
}

export interface NeuronKeys {
  coldkey: LocalAccount;
  hotkey: LocalAccount;
}

export interface LocalSubnetPlan {
  network: string;
  rpcUrl?: string;
  /** Governance and the subnet owner's coldkey; its hotkey is validator 0 (uid 0). */
  owner: NeuronKeys;
  /** Further validators (their coldkeys stake to their hotkeys). */
  validators: NeuronKeys[];
  miners: NeuronKeys[];
  /** Stake (TAO) each validator's coldkey puts on its hotkey, in order: owner first. */
  validatorStakeTao: bigint[];
  tempo: number;
  /** Minimum subnet lock (TAO): the lock seeds the pool, so it sets the pool's depth. */
  minLockTao?: bigint;
  /** Slots between subnet creations (governance; the default is mainnet's 28,800, about four days). */
  networkRateLimitSlots?: bigint;
  /** TAO granted to every coldkey from the protocol reserve. */
  grantTao: bigint;
  /** Further coldkeys granted `grantTao` and otherwise left alone: funded keys for the CLI. */
  spareColdkeys?: readonly Address[];
  commitReveal: boolean;
  log?: (line: string) => void;
}

export interface LocalSubnet {
  deployment: Deployment;
  netuid: number;
}

async function send(
  chain: LocalChain,
  wallet: Wallet,
  what: string,
  request: Parameters<Wallet["writeContract"]>[0],
  minting?: MintingContracts & { Staking: Address },
) {
  // A call that mints first can land a slot past the one it was estimated in: the coinbase's headroom on top.
  const gas =
    minting === undefined ? undefined : await mintingGasLimit(chain.publicClient, request, wallet.account, minting);
  const hash = await wallet.writeContract(gas === undefined ? request : { ...request, gas });
  const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`${what} reverted (${hash})`);
  return receipt;
}

/**
 * The hotkey's EIP-712 consent the registry checks: `abi.encodePacked(uint64 deadlineSlot, signature)` to be the
 * owner hotkey of a subnet `coldkey` creates (no `netuid`), or `abi.encodePacked(uint64 deadlineSlot, uint32
 * generation, signature)` to be registered on `netuid` by `coldkey`. The generation is the netuid's current life:
 * if the subnet is dissolved (and the netuid reused) before the consent is used, the registry refuses it
 * (`HotkeySignatureWrongGeneration`).
 */
export async function hotkeyConsent(
  client: PublicClient,
  registry: Address,
  hotkey: LocalAccount,
  coldkey: Address,
  deadlineSlot: bigint,
  netuid?: number,
): Promise<Hex> {
  if (!hotkey.sign) throw new Error(`hotkey ${hotkey.address} cannot sign raw digests`);
  const reg = { address: registry, abi: subnetRegistryAbi } as const;
  const nonce = await client.readContract({ ...reg, functionName: "nonces", args: [hotkey.address] });
  if (netuid === undefined) {
    const digest = await client.readContract({
      ...reg,
      functionName: "createSubnetDigest",
      args: [hotkey.address, coldkey, nonce, deadlineSlot],
    });
    const signature = await hotkey.sign({ hash: digest });
    return encodePacked(["uint64", "bytes"], [deadlineSlot, signature]);
  }
  const generation = await client.readContract({ ...reg, functionName: "generation", args: [netuid] });
  const digest = await client.readContract({
    ...reg,
    functionName: "registerDigest",
    args: [hotkey.address, coldkey, netuid, generation, nonce, deadlineSlot],
  });
  const signature = await hotkey.sign({ hash: digest });
  return encodePacked(["uint64", "uint32", "bytes"], [deadlineSlot, generation, signature]);
}

/**
 * Deploys the protocol on a local chain and builds one working subnet: funds every key, creates the subnet
 * (owner hotkey = uid 0), sets a short tempo, registers validators and miners with hotkey consent, stakes
 * to the validators and starts emission. Returns the deployment and the netuid.
 */
export async function bootstrapLocalSubnet(chain: LocalChain, plan: LocalSubnetPlan): Promise<LocalSubnet> {
  const log = plan.log ?? (() => {});
  const { publicClient } = chain;
  const governance = chain.wallet(plan.owner.coldkey);
  const everyone = [plan.owner, ...plan.validators, ...plan.miners];
  for (const k of everyone) {
    await chain.setBalance(k.coldkey.address, 10_000n * 10n ** 18n);
    await chain.setBalance(k.hotkey.address, 100n * 10n ** 18n);
  }

  const deployment = await deployProtocol(publicClient, governance, {
    network: plan.network,
    ...(plan.rpcUrl ? { rpcUrl: plan.rpcUrl } : {}),
    routeEmission: false,
  });
  const c = deployment.contracts;
  const registry = getAddress(c.SubnetRegistry!);
  const staking = getAddress(c.Staking!);
  log(`deployed: registry ${registry}, staking ${staking}`);

  // Faucet: let the reserve accrue (1 TAO a slot), then grant it; from then on emission goes to Staking.
  const coldkeys = [...new Set([...everyone.map((k) => k.coldkey.address), ...(plan.spareColdkeys ?? [])])];
  const need = plan.grantTao * BigInt(coldkeys.length);
  await chain.increaseTime((Number(need) + 2) * 12);
  await send(
    chain,
    governance,
    "coinbase",
    {
      address: c.Emission,
      abi: emissionAbi,
      functionName: "coinbase",
      account: governance.account,
      chain: governance.chain,
    },
    { Emission: c.Emission, Staking: staking },
  );
  for (const to of coldkeys) {
    await send(chain, governance, "grantReserve", {
      address: c.Emission,
      abi: emissionAbi,
      functionName: "grantReserve",
      args: [to, plan.grantTao * TAO],
      account: governance.account,
      chain: governance.chain,
    });
  }
  await routeEmission(publicClient, governance, deployment);
  log(`funded ${coldkeys.length} coldkeys with ${plan.grantTao} TAO each`);

  for (const k of everyone) {
    const w = chain.wallet(k.coldkey);
    const allowance = await publicClient.readContract({
      address: c.TAO,
      abi: taoAbi,
      functionName: "allowance",
      args: [k.coldkey.address, registry],
    });
    if (allowance > 0n) continue;
    for (const spender of [registry, staking]) {
      await send(chain, w, "approve", {
        address: c.TAO,
        abi: taoAbi,
        functionName: "approve",
        args: [spender, maxUint256],
        account: w.account,
        chain: w.chain,
      });
    }
  }

  const slotNow = async () =>
    slotOf((await publicClient.getBlock({ blockTag: "latest" })).timestamp, BigInt(deployment.genesisTime));
  const deadline = async () => (await slotNow()) + 1_000n;

  /** Governance sets network parameter `param` (ISubnetRegistry.NetParam: 0 MinLock, 2 NetworkRateLimit). */
  const setNetParam = (name: string, param: number, value: bigint) =>
    send(chain, governance, `setNetworkParam ${name}`, {
      address: registry,
      abi: subnetRegistryAbi,
      functionName: "setNetworkParam",
      args: [param, value],
      account: governance.account,
      chain: governance.chain,
    });
  if (plan.minLockTao !== undefined) await setNetParam("MinLock", 0, plan.minLockTao * TAO);
  if (plan.networkRateLimitSlots !== undefined) await setNetParam("NetworkRateLimit", 2, plan.networkRateLimitSlots);
  const lock = await publicClient.readContract({ address: registry, abi: subnetRegistryAbi, functionName: "lockCost" });
  const createSig = await hotkeyConsent(
    publicClient,
    registry,
    plan.owner.hotkey,
    plan.owner.coldkey.address,
    await deadline(),
  );
  const { result: netuid } = await publicClient.simulateContract({
    address: registry,
    abi: subnetRegistryAbi,
    functionName: "createSubnet",
    args: [plan.owner.hotkey.address, lock, createSig],
    account: governance.account,
  });
  await send(chain, governance, "createSubnet", {
    address: registry,
    abi: subnetRegistryAbi,
    functionName: "createSubnet",
    args: [plan.owner.hotkey.address, lock, createSig],
    account: governance.account,
    chain: governance.chain,
  });
  log(`subnet ${netuid} created (lock ${formatTao(lock)})`);

  const govParam = async (param: number, value: bigint) =>
    send(chain, governance, `setHyperparam ${param}`, {
      address: registry,
      abi: subnetRegistryAbi,
      functionName: "setHyperparam",
      args: [netuid, param, value],
      account: governance.account,
      chain: governance.chain,
    });
  await send(chain, governance, "setTempo", {
    address: registry,
    abi: subnetRegistryAbi,
    functionName: "setTempo",
    args: [netuid, plan.tempo],
    account: governance.account,
    chain: governance.chain,
  });
  const PARAM = { CommitRevealEnabled: 12, WeightsRateLimit: 10, ActivityCutoff: 14, ImmunityPeriod: 1 } as const;
  await govParam(PARAM.CommitRevealEnabled, plan.commitReveal ? 1n : 0n);
  await govParam(PARAM.WeightsRateLimit, 1n);

  for (const k of [...plan.validators, ...plan.miners]) {
    const w = chain.wallet(k.coldkey);
    const burn = await publicClient.readContract({
      address: registry,
      abi: subnetRegistryAbi,
      functionName: "burnCost",
      args: [netuid],
    });
    const sig = await hotkeyConsent(publicClient, registry, k.hotkey, k.coldkey.address, await deadline(), netuid);
    await send(chain, w, `register ${k.hotkey.address}`, {
      address: registry,
      abi: subnetRegistryAbi,
      functionName: "register",
      args: [netuid, k.hotkey.address, burn, sig],
      account: w.account,
      chain: w.chain,
    });
  }
  log(`registered ${plan.validators.length + 1} validators and ${plan.miners.length} miners`);

  await send(chain, governance, "startEmission", {
    address: registry,
    abi: subnetRegistryAbi,
    functionName: "startEmission",
    args: [netuid],
    account: governance.account,
    chain: governance.chain,
  });

  await chain.increaseTime(12); // emission (and staking) start from the next slot

  const stakers = [plan.owner, ...plan.validators];
  for (const [i, k] of stakers.entries()) {
    const amount = (plan.validatorStakeTao[i] ?? 0n) * TAO;
    if (amount === 0n) continue;
    const w = chain.wallet(k.coldkey);
    const now = (await publicClient.getBlock({ blockTag: "latest" })).timestamp;
    await send(
      chain,
      w,
      `stake ${k.hotkey.address}`,
      {
        address: staking,
        abi: stakingAbi,
        functionName: "stake",
        args: [netuid, k.hotkey.address, amount, maxUint256, false, now + 3_600n],
        account: w.account,
        chain: w.chain,
      },
      { Emission: c.Emission, Staking: staking },
    );
  }
  log(`staked to validators: ${plan.validatorStakeTao.join(", ")} TAO`);
  return { deployment, netuid };
}
