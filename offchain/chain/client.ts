import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  webSocket,
  type Account,
  type Chain,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { baseSepolia, foundry, sepolia } from "viem/chains";
import { z } from "zod";
import { withReadLimit } from "./readLimit.js";

/** Bittensor's EVM testnet (docs.learnbittensor.org: chain id 945, native TAO with 18 decimals on the EVM side). */
export const bittensorTestnet = defineChain({
  id: 945,
  name: "Bittensor EVM Testnet",
  nativeCurrency: { name: "TAO", symbol: "TAO", decimals: 18 },
  rpcUrls: { default: { http: ["https://test.chain.opentensor.ai"] } },
  testnet: true,
});

/** A network the CLI and workers can talk to: its chain and where its RPC URL comes from. */
export interface NetworkDefinition {
  readonly chain: Chain;
  /** Environment variables read for the RPC URL, first set wins. */
  readonly rpcEnv: readonly string[];
  /** Used when no variable is set and the deployments file has no rpcUrl (local nodes only). */
  readonly defaultRpcUrl?: string;
}

const LOCAL_RPC = "http://127.0.0.1:8545";

/** The known networks, named as in hardhat.config.ts. */
export const NETWORKS = {
  localhost: { chain: foundry, rpcEnv: ["ANVIL_URL", "RPC_URL"], defaultRpcUrl: LOCAL_RPC },
  anvil: { chain: foundry, rpcEnv: ["ANVIL_URL", "RPC_URL"], defaultRpcUrl: LOCAL_RPC },
  /** `tao localnet up` / `npm start`: its deployments file records the port it got. */
  localnet: { chain: foundry, rpcEnv: ["LOCALNET_RPC_URL"], defaultRpcUrl: LOCAL_RPC },
  sepolia: { chain: sepolia, rpcEnv: ["SEPOLIA_RPC_URL"] },
  baseSepolia: { chain: baseSepolia, rpcEnv: ["BASE_SEPOLIA_RPC_URL"] },
  bittensorTestnet: { chain: bittensorTestnet, rpcEnv: ["BITTENSOR_TESTNET_RPC_URL"] },
} as const satisfies Record<string, NetworkDefinition>;

export type NetworkName = keyof typeof NETWORKS;

/**
 * The networks on this machine: a node of one's own (no public RPC, its deployments file not committed), where a
 * miner may publish a loopback axon and answer from the built-in fake Ollama, and chain reads need no
 * confirmations. `hardhat` stands for Hardhat's in-process networks too (`hardhatMainnet`, ...).
 */
export const LOCAL_NETWORKS = ["localhost", "localnet", "anvil", "hardhat"] as const;

export function isLocalNetwork(network: string): boolean {
  return (LOCAL_NETWORKS as readonly string[]).includes(network) || network.startsWith("hardhat"); // hardhatMainnet, ...
}
export const NETWORK_NAMES = Object.keys(NETWORKS) as NetworkName[];

/** A failure resolving a network; the message names the value and the variable or flag that fixes it. */
export class NetworkError extends Error {
  override readonly name = "NetworkError";
}

const networkNameSchema = z.enum(NETWORK_NAMES as [NetworkName, ...NetworkName[]]);

const rpcUrlSchema = z
  .string()
  .url()
  .refine((u) => /^(https?|wss?):\/\//i.test(u), "must start with http://, https://, ws:// or wss://");

export function parseNetworkName(name: string): NetworkName {
  const parsed = networkNameSchema.safeParse(name);
  if (!parsed.success) {
    throw new NetworkError(`unknown network ${JSON.stringify(name)}: use one of ${NETWORK_NAMES.join(", ")}`);
  }
  return parsed.data;
}

/** A network resolved to its chain (id from the deployments file when given) and RPC URL. */
export interface ResolvedNetwork {
  readonly name: NetworkName;
  readonly chain: Chain;
  readonly rpcUrl: string;
  /** Where the URL came from: an env var name, `deployments` or `default`. */
  readonly rpcSource: string;
}

export interface ResolveOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** `rpcUrl` from deployments/<network>.json, used when no environment variable is set. */
  readonly deploymentRpcUrl?: string;
  /** `chainId` from deployments/<network>.json (a local node may run with another id than 31337). */
  readonly chainId?: number;
  /** An explicit URL (a `--rpc-url` flag): wins over the environment and the deployments file. */
  readonly rpcUrl?: string;
}

/**
 * `url` as it may be shown in messages and logs: scheme, host and port only. Providers put API keys in the
 * user info, the path or the query (`https://eth-sepolia.g.alchemy.com/v2/<key>`), so those are left out.
 */
export function redactRpcUrl(url: string): string {
  try {
    const u = new URL(url);
    const hidden =
      u.username !== "" || u.password !== "" || (u.pathname !== "/" && u.pathname !== "") || u.search !== "";
    return `${u.protocol}//${u.host}${hidden ? "/…" : ""}`;
  } catch {
    return "(unparsable URL)";
  }
}

/** The setting that fixes a URL from `source`: that variable or flag, or the network's first variable for a URL from the file or the default. */
function settingToFix(def: NetworkDefinition, source: string): string {
  return source === "deployments" || source === "default" ? def.rpcEnv[0]! : source;
}

/** RPC URL precedence: the network's environment variables, then the deployments file, then the local default. */
export function resolveNetwork(name: string, options: ResolveOptions = {}): ResolvedNetwork {
  const network = parseNetworkName(name);
  const def: NetworkDefinition = NETWORKS[network];
  const env = options.env ?? process.env;
  let rpcUrl: string | undefined;
  let rpcSource = "";
  if (options.rpcUrl) {
    rpcUrl = options.rpcUrl;
    rpcSource = "--rpc-url";
  }
  for (const variable of rpcUrl === undefined ? def.rpcEnv : []) {
    const value = env[variable];
    if (value) {
      rpcUrl = value;
      rpcSource = variable;
      break;
    }
  }
  if (rpcUrl === undefined && options.deploymentRpcUrl) {
    rpcUrl = options.deploymentRpcUrl;
    rpcSource = "deployments";
  }
  if (rpcUrl === undefined && def.defaultRpcUrl) {
    rpcUrl = def.defaultRpcUrl;
    rpcSource = "default";
  }
  if (rpcUrl === undefined) {
    throw new NetworkError(`network ${network} has no RPC URL: set ${def.rpcEnv.join(" or ")}`);
  }
  const checked = rpcUrlSchema.safeParse(rpcUrl);
  if (!checked.success) {
    throw new NetworkError(
      `RPC URL ${JSON.stringify(redactRpcUrl(rpcUrl))} for network ${network} (from ${rpcSource}) ${checked.error.issues[0]?.message ?? "is invalid"}: fix ${settingToFix(def, rpcSource)}`,
    );
  }
  if (options.chainId !== undefined && options.chainId !== def.chain.id && def.defaultRpcUrl === undefined) {
    // Only a local node may run under another id; a public network's id is fixed.
    throw new NetworkError(
      `deployments/${network}.json says chain ${options.chainId} but ${network} is chain ${def.chain.id}: redeploy with \`npm run deploy -- --network ${network}\` against a ${network} node`,
    );
  }
  const chain =
    options.chainId !== undefined && options.chainId !== def.chain.id
      ? defineChain({ ...def.chain, id: options.chainId })
      : def.chain;
  return { name: network, chain, rpcUrl, rpcSource };
}

/**
 * How every client retries a failed RPC request (refused or reset connection, HTTP 408/429/5xx, JSON-RPC
 * "internal"/"limit exceeded"; never a revert or an invalid request): up to `retryCount` more attempts,
 * `retryDelay` × 2^n apart (150, 300, 600 ms), or as the node's Retry-After says. A longer outage fails the
 * call, and the worker loops back off on their own (the validator: offchain/validator/service.ts).
 */
export const RPC_RETRY = { retryCount: 3, retryDelay: 150 } as const;

function transportFor(rpcUrl: string): Transport {
  return /^wss?:/i.test(rpcUrl) ? webSocket(rpcUrl, RPC_RETRY) : http(rpcUrl, RPC_RETRY);
}

const publicClients = new Map<string, PublicClient>();
const walletClients = new Map<string, WalletClient<Transport, Chain, Account>>();

function clientKey(network: ResolvedNetwork): string {
  return `${network.name}|${network.chain.id}|${network.rpcUrl}`;
}

/**
 * The process's one PublicClient for `network` (created on first use, then reused), its reads queued at most
 * `RPC_READS_IN_FLIGHT` at a time (offchain/chain/readLimit.ts).
 */
export function getPublicClient(network: ResolvedNetwork): PublicClient {
  const key = clientKey(network);
  let client = publicClients.get(key);
  if (client === undefined) {
    client = withReadLimit(createPublicClient({ chain: network.chain, transport: transportFor(network.rpcUrl) }));
    publicClients.set(key, client);
  }
  return client;
}

/** The process's one WalletClient for `network` and `account` (a local account: it signs, the node only relays). */
export function getWalletClient(network: ResolvedNetwork, account: Account): WalletClient<Transport, Chain, Account> {
  const key = `${clientKey(network)}|${account.address}`;
  let client = walletClients.get(key);
  if (client === undefined) {
    client = createWalletClient({ account, chain: network.chain, transport: transportFor(network.rpcUrl) });
    walletClients.set(key, client);
  }
  return client;
}

/**
 * Checks that the node at the RPC URL is the chain the deployments file was written for; a mismatch means a
 * wrong URL or a stale file, and every address read from it would be wrong.
 */
export async function assertChainId(
  client: PublicClient,
  network: ResolvedNetwork,
  expected: number,
  file: string,
): Promise<void> {
  let actual: number;
  try {
    actual = await client.getChainId();
  } catch (e) {
    const reason = e instanceof Error ? ((e as { shortMessage?: string }).shortMessage ?? e.message) : String(e);
    const def: NetworkDefinition = NETWORKS[network.name];
    throw new NetworkError(
      `cannot reach network ${network.name} at ${redactRpcUrl(network.rpcUrl)} (${reason.split("\n")[0]}): ${
        network.name === "localnet"
          ? "`npm start` stopped (start it again with `npm start -- --keep` to use the CLI on it)"
          : `start the node or ${network.rpcSource === "--rpc-url" ? "fix --rpc-url" : `set ${def.rpcEnv[0]}`}`
      }`,
    );
  }
  if (actual !== expected) {
    const source = network.rpcSource;
    const fix =
      source === "--rpc-url"
        ? "pass --rpc-url of the right node"
        : `point ${settingToFix(NETWORKS[network.name], source)} at the right node`;
    // A local chain restarted under another id wants a new deploy; a public network's file is everyone's pointer
    // to the protocol there, and a new deploy would strand it (scripts/deploy.ts refuses one over it).
    throw new NetworkError(
      `${file} is for chain ${expected} but ${redactRpcUrl(network.rpcUrl)} (from ${source}) is chain ${actual}: ${fix}` +
        (isLocalNetwork(network.name) ? ` or redeploy with \`npm run deploy -- --network ${network.name}\`` : ""),
    );
  }
}
