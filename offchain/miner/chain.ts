/**
 * The miner's chain wiring: a `MinerChain` over viem (one PublicClient, a WalletClient for the coldkey that
 * pays the registration burn, one for the hotkey that calls serveAxon), the metagraph source of the axon's
 * MetagraphCache, `connectMinerChain` (deployment file + wallets directory) and `startMinerProcess` for an
 * orchestrator running miners in one process with given keys.
 */
import { getAddress, parseEventLogs, type Address, type LocalAccount, type PublicClient } from "viem";
import { subnetRegistryAbi, taoAbi } from "../abi/index.js";
import { decodeRevert, revertName } from "../chain/revert.js";
import { assertChainId, getPublicClient, getWalletClient, resolveNetwork } from "../chain/client.js";
import { readDeployment } from "../chain/deployments.js";
import { slotOf } from "../epoch/blockAtSlot.js";
import { hotkeyConsent } from "../localnet/bootstrap.js";
import type { Logger } from "../log.js";
import type { MetagraphSnapshot, NeuronInfo } from "../metagraph/types.js";
import type { HotkeySigner } from "../protocol/signatures.js";
import { readMetagraphRows } from "../validator/adapters/metagraphRows.js";
import {
  protocolAddresses,
  reason,
  refusal,
  type ProtocolDeployment,
  type Wallet,
} from "../validator/adapters/protocol.js";
import { readPassword } from "../wallet/password.js";
import { resolveWalletsDir } from "../wallet/paths.js";
import { WalletStore } from "../wallet/wallet-store.js";
import { parseMinerConfig, type MinerConfigInput } from "./config.js";
import { ServingRateLimitedError, type MinerChain } from "./minerChain.js";
import { formatTao } from "../util/rao.js";
import { runMiner, type RunningMiner } from "./runMiner.js";

export interface MinerWiringRequest {
  network: string;
  netuid: number;
  wallet: string;
  hotkey: string;
  /** Wallets directory (default `$TAO_WALLETS_DIR`, else `~/.bittensor-evm/wallets`). */
  walletsDir?: string;
}

export interface MinerWiring {
  chain: MinerChain;
  hotkey: HotkeySigner;
}

/** Slots a hotkey's registration consent stays valid (the registry checks the deadline). */
export const CONSENT_SLOTS = 100n;

/** Seconds per slot (SYSTEM.md §1: slot = (timestamp - genesisTime) / 12). */
const SLOT_SECONDS = 12n;

/** The slot a ServingRateLimited revert names (serving allowed again from it), when `err` is that revert. */
function servingRateLimitedSlot(err: unknown): bigint | undefined {
  const r = decodeRevert(err);
  const next = r?.kind === "custom" && r.errorName === "ServingRateLimited" ? r.args[0] : undefined;
  return typeof next === "bigint" ? next : undefined;
}

/** The metagraph as the axon needs it: permit bit → validatorPermit, stake weight → stake. */
export async function registryMetagraph(
  client: PublicClient,
  registry: Address,
  genesisTime: bigint,
  netuid: number,
): Promise<MetagraphSnapshot> {
  const blockNumber = await client.getBlockNumber({ cacheTime: 0 });
  const [rows, block] = await Promise.all([
    readMetagraphRows(client, registry, netuid, blockNumber),
    client.getBlock({ blockNumber }),
  ]);
  const neurons: NeuronInfo[] = rows.map((r) => ({
    uid: r.uid,
    hotkey: getAddress(r.hotkey),
    coldkey: getAddress(r.coldkey),
    stake: r.stakeWeight,
    validatorPermit: r.permit,
    ...(r.axon.endpoint === ""
      ? {}
      : { axon: { url: r.axon.endpoint, protocol: r.axon.protocol, version: r.axon.version } }),
  }));
  return { netuid, slot: slotOf(block.timestamp, genesisTime), neurons };
}

export interface MinerChainOptions {
  client: PublicClient;
  deployment: ProtocolDeployment;
  /** The hotkey: signs the registration consent and sends serveAxon (needs gas). */
  hotkey: LocalAccount;
  hotkeyWallet: Wallet;
  /** The coldkey's wallet, which pays the burn; a function when unlocking it should wait until needed. */
  coldkeyWallet: Wallet | (() => Promise<Wallet>);
}

const taoErrors = taoAbi.filter((x) => x.type === "error");

export function createMinerChain(o: MinerChainOptions): MinerChain {
  const a = protocolAddresses(o.deployment);
  const { client } = o;
  const registry = { address: a.SubnetRegistry, abi: subnetRegistryAbi } as const;
  let coldkey: Wallet | undefined = typeof o.coldkeyWallet === "function" ? undefined : o.coldkeyWallet;
  const coldkeyWallet = async (): Promise<Wallet> => {
    coldkey ??= await (o.coldkeyWallet as () => Promise<Wallet>)();
    return coldkey;
  };
  return {
    chainId: a.chainId,
    burnCost: (netuid) => client.readContract({ ...registry, functionName: "burnCost", args: [netuid] }),
    async register(netuid, maxBurn) {
      const w = await coldkeyWallet();
      const tao = { address: a.TAO, abi: taoAbi } as const;
      const owner = w.account.address;
      // The registry pulls the burn from the coldkey's TAO: check the balance first.
      const [burn, balance, allowance] = await Promise.all([
        client.readContract({ ...registry, functionName: "burnCost", args: [netuid] }),
        client.readContract({ ...tao, functionName: "balanceOf", args: [owner] }),
        client.readContract({ ...tao, functionName: "allowance", args: [owner, a.SubnetRegistry] }),
      ]).catch((err: unknown) => {
        // burnCost reverts for a netuid with no subnet (SubnetNotFound, RootSubnet): one line, not viem's dump.
        throw new Error(`registration of ${o.hotkey.address} on subnet ${netuid} refused: ${reason(err)}`);
      });
      if (balance < burn) {
        throw new Error(
          `registration of ${o.hotkey.address} on subnet ${netuid}: coldkey ${owner} holds ${formatTao(balance)}, ` +
            `the burn is ${formatTao(burn)}: fund the coldkey (\`tao wallet transfer\` from another wallet)`,
        );
      }
      const head = await client.getBlock({ blockTag: "latest" });
      const deadline = slotOf(head.timestamp, a.genesisTime) + CONSENT_SLOTS;
      const sig = await hotkeyConsent(client, a.SubnetRegistry, o.hotkey, w.account.address, deadline, netuid);
      const call = {
        ...registry,
        abi: [...subnetRegistryAbi, ...taoErrors], // the TAO pull's errors decode too
        functionName: "register",
        args: [netuid, o.hotkey.address, maxBurn, sig],
        account: w.account,
      } as const;
      // Every check of the registry comes before it pulls the burn: a registration refused for anything but the
      // allowance (already registered, burn over --max-burn, no uid to replace, a bad consent) is refused here,
      // before an approval is sent for nothing.
      try {
        await client.simulateContract(call);
      } catch (err) {
        if (revertName(err) !== "InsufficientAllowance" || allowance >= maxBurn) {
          throw new Error(
            `registration of ${o.hotkey.address} on subnet ${netuid} refused: ${await refusal(client, owner, err)}`,
          );
        }
      }
      // The cost can rise before the registration lands (the contract takes the cost then, at most maxBurn): allow
      // up to maxBurn, so a rise within --max-burn does not fail on the allowance.
      if (allowance < maxBurn) {
        let approval;
        try {
          approval = await w.writeContract({
            ...tao,
            functionName: "approve",
            args: [a.SubnetRegistry, maxBurn],
            account: w.account,
            chain: w.chain,
          });
        } catch (err) {
          throw new Error(
            `approving the burn of ${o.hotkey.address}'s registration refused: ${await refusal(client, owner, err)}`,
          );
        }
        const receipt = await client.waitForTransactionReceipt({ hash: approval });
        if (receipt.status !== "success") throw new Error(`the burn's approval reverted in ${approval}`);
      }
      let hash;
      try {
        hash = await w.writeContract({ ...call, chain: w.chain });
      } catch (err) {
        throw new Error(
          `registration of ${o.hotkey.address} on subnet ${netuid} refused: ${await refusal(client, owner, err)}`,
        );
      }
      const receipt = await client.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error(`registration reverted in ${hash}`);
      const [ev] = parseEventLogs({ abi: subnetRegistryAbi, logs: receipt.logs, eventName: "NeuronRegistered" });
      if (!ev) throw new Error(`registration ${hash} emitted no NeuronRegistered event`);
      return { uid: ev.args.uid, burned: ev.args.burned, txHash: hash };
    },
    async serveAxon(netuid, endpoint, protocol, version) {
      const w = o.hotkeyWallet;
      let hash;
      try {
        hash = await w.writeContract({
          ...registry,
          functionName: "serveAxon",
          args: [netuid, endpoint, protocol, version],
          account: w.account,
          chain: w.chain,
        });
      } catch (err) {
        const nextSlot = servingRateLimitedSlot(err);
        if (nextSlot !== undefined) {
          const head = await client.getBlock({ blockTag: "latest" });
          const opens = a.genesisTime + nextSlot * SLOT_SECONDS;
          const waitMs = opens > head.timestamp ? Number(opens - head.timestamp) * 1000 : 0;
          throw new ServingRateLimitedError(endpoint, nextSlot, waitMs);
        }
        throw new Error(
          `serveAxon(${endpoint}) from ${o.hotkey.address} refused: ${await refusal(client, o.hotkey.address, err)}`,
        );
      }
      const receipt = await client.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error(`serveAxon reverted in ${hash}`);
      return { txHash: hash };
    },
    async isRegistered(netuid, hotkey) {
      try {
        const [registered] = await client.readContract({ ...registry, functionName: "uidOf", args: [netuid, hotkey] });
        return registered;
      } catch (err) {
        throw new Error(`reading whether ${hotkey} is registered on subnet ${netuid} failed: ${reason(err)}`, {
          cause: err,
        });
      }
    },
    gasBalance: (address) => client.getBalance({ address }),
    metagraph: (netuid) => registryMetagraph(client, a.SubnetRegistry, a.genesisTime, netuid),
  };
}

/** `npm run miner`: the deployment of `network`, its RPC, the hotkey and (only when registering) the coldkey. */
export async function connectMinerChain(req: MinerWiringRequest): Promise<MinerWiring> {
  const deployment = await readDeployment(req.network);
  const network = resolveNetwork(req.network, {
    ...(deployment.rpcUrl ? { deploymentRpcUrl: deployment.rpcUrl } : {}),
    chainId: deployment.chainId,
  });
  const client = getPublicClient(network);
  await assertChainId(client, network, deployment.chainId, deployment.file);
  const wallets = new WalletStore(resolveWalletsDir(req.walletsDir));
  const hotkey = await wallets.loadHotkey(req.wallet, req.hotkey);
  const chain = createMinerChain({
    client,
    deployment,
    hotkey,
    hotkeyWallet: getWalletClient(network, hotkey),
    // The coldkey is unlocked (TAO_PASSWORD, else a prompt) only if the hotkey must be registered.
    coldkeyWallet: async () => {
      const password = await readPassword({
        wallet: req.wallet,
        purpose: "unlock",
        interactive: process.stdin.isTTY === true,
      });
      return getWalletClient(network, await wallets.loadColdkey(req.wallet, password));
    },
  });
  return { chain, hotkey };
}

export interface MinerProcessOptions {
  client: PublicClient;
  deployment: ProtocolDeployment;
  netuid: number;
  /** Name written in logs and used for the loopback-endpoint rule (must be a local network without externalUrl). */
  network?: string;
  hotkey: LocalAccount;
  hotkeyWallet: Wallet;
  /** Needed only when `register` is set (the hotkey not registered yet). */
  coldkeyWallet?: Wallet;
  ollamaHost: string;
  model?: string;
  /** Axon port (0 = a free one) and bind address. Defaults 0 and 127.0.0.1. */
  port?: number;
  host?: string;
  externalUrl?: string;
  register?: boolean;
  /** Highest burn accepted (rao), with `register`. */
  maxBurn?: bigint;
  metagraphRefreshMs?: number;
  limits?: MinerConfigInput["limits"];
  /** The miner's data dir (its store, `miner.db`): one per miner, kept across its restarts. */
  dataDir: string;
  logger?: Logger;
}

/** Starts one miner in this process with given keys (no wallet files): an orchestrator's building block. */
export async function startMinerProcess(o: MinerProcessOptions): Promise<RunningMiner> {
  const config = parseMinerConfig({
    network: o.network ?? "localnet",
    netuid: o.netuid,
    wallet: "orchestrated",
    hotkey: "orchestrated",
    host: o.host ?? "127.0.0.1",
    port: o.port ?? 0,
    ...(o.externalUrl ? { externalUrl: o.externalUrl } : {}),
    ...(o.model ? { model: o.model } : {}),
    ollamaHost: o.ollamaHost,
    register: o.register ?? false,
    ...(o.maxBurn !== undefined ? { maxBurn: o.maxBurn } : {}),
    metagraphRefreshMs: o.metagraphRefreshMs ?? 2_000,
    ...(o.limits ? { limits: o.limits } : {}),
    dataDir: o.dataDir,
  });
  const chain = createMinerChain({
    client: o.client,
    deployment: o.deployment,
    hotkey: o.hotkey,
    hotkeyWallet: o.hotkeyWallet,
    coldkeyWallet: async () => {
      if (!o.coldkeyWallet) throw new Error(`miner ${o.hotkey.address} must register but no coldkeyWallet was given`);
      return o.coldkeyWallet;
    },
  });
  return runMiner(config, { chain, hotkey: o.hotkey, ...(o.logger ? { logger: o.logger } : {}) });
}
