/**
 * `startValidator(config, deps?)`: builds every adapter (viem ChainPort, weights codec, EpochWorker settlement,
 * one Dendrite per subnet) around a ValidatorStore and runs the ValidatorService loop until `stop()`.
 *
 * Without `deps.chain` it connects from the config: deployments/<network>.json, the network's RPC URL
 * (`rpcUrl` overrides it), and the hotkey `wallet.name/wallet.hotkey` from the wallets directory (hotkeys are
 * unencrypted; the validator never needs the coldkey). An orchestrator running a local network in one
 * process passes `deps.chain` instead: a PublicClient, a WalletClient signing as the hotkey, the deployment.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PublicClient } from "viem";
import { assertChainId, getPublicClient, getWalletClient, resolveNetwork } from "../chain/client.js";
import { readDeployment } from "../chain/deployments.js";
import { silentLogger, type Logger } from "../log.js";
import type { HotkeySigner } from "../protocol/signatures.js";
import { ValidatorStore } from "../store/validatorStore.js";
import { resolveWalletsDir } from "../wallet/paths.js";
import { WalletStore } from "../wallet/wallet-store.js";
import { createChainPort, type ViemChainPort } from "./adapters/chainPort.js";
import type { ProtocolDeployment, Wallet } from "./adapters/protocol.js";
import { createDendriteQuery } from "./adapters/queryFn.js";
import { createSettlementPort } from "./adapters/settlementPort.js";
import { createWeightsCodec } from "./adapters/weightsCodec.js";
import { serveMetrics, ValidatorMetrics } from "./metrics.js";
import type { ValidatorConfig } from "./config.js";
import { ValidatorService, type TickResult } from "./service.js";

export interface ValidatorChainDeps {
  client: PublicClient;
  /** Signs as the validator's hotkey (weights, votes, claims, coinbase). */
  wallet: Wallet;
  deployment: ProtocolDeployment;
}

export interface StartValidatorDeps {
  /** Chain access; default: connect from the config (deployment file, RPC, wallet hotkey). */
  chain?: ValidatorChainDeps;
  /** Signer for dendrite requests; default: the wallet's account. */
  signer?: HotkeySigner;
  logger?: Logger;
  /** Called after every completed step (all subnets) with its results. */
  onStep?: (results: TickResult[]) => void;
  /** Directory for epoch results (trees, bonds); default `<dir of dbPath>/epochs`. */
  resultsDir?: string;
}

export interface RunningValidator {
  readonly hotkey: `0x${string}`;
  readonly metrics: ValidatorMetrics;
  /** Where GET /metrics is served, when `metricsPort` is set. */
  readonly metricsUrl: string | undefined;
  readonly service: ValidatorService;
  readonly store: ValidatorStore;
  readonly chain: ViemChainPort;
  /** Steps completed so far. */
  steps(): number;
  /** Stops the loop (the step in flight finishes its current request), closes the dendrites and the store. */
  stop(): Promise<void>;
}

/** Connects from the config alone: deployment file, RPC URL, hotkey from the wallets directory. */
export async function connectValidatorChain(config: ValidatorConfig): Promise<ValidatorChainDeps> {
  const deployment = await readDeployment(config.network);
  const network = resolveNetwork(config.network, {
    ...(config.rpcUrl ? { env: { ...process.env, RPC_URL: config.rpcUrl, ANVIL_URL: config.rpcUrl } } : {}),
    ...(deployment.rpcUrl ? { deploymentRpcUrl: deployment.rpcUrl } : {}),
    chainId: deployment.chainId,
  });
  const client = getPublicClient(network);
  await assertChainId(client, network, deployment.chainId, deployment.file);
  const wallets = new WalletStore(resolveWalletsDir(config.wallet.path));
  const hotkey = await wallets.loadHotkey(config.wallet.name, config.wallet.hotkey);
  return { client, wallet: getWalletClient(network, hotkey), deployment };
}

export async function startValidator(
  config: ValidatorConfig,
  deps: StartValidatorDeps = {},
): Promise<RunningValidator> {
  const logger = (deps.logger ?? silentLogger()).child({ component: "validator" });
  const chainDeps = deps.chain ?? (await connectValidatorChain(config));
  const { client, wallet, deployment } = chainDeps;
  const chain = createChainPort({ client, wallet, deployment, confirmations: config.confirmations });
  mkdirSync(path.dirname(path.resolve(config.dbPath)), { recursive: true });
  const store = ValidatorStore.open(config.dbPath);
  const dendrites = createDendriteQuery({
    signer: deps.signer ?? (wallet.account as HotkeySigner),
    chainId: deployment.chainId,
    logger,
    socketsPerHost: Math.min(64, config.concurrency),
  });
  const settlement = createSettlementPort({
    client,
    wallet,
    deployment,
    resultsDir: deps.resultsDir ?? path.join(path.dirname(path.resolve(config.dbPath)), "epochs"),
    logger,
    confirmations: config.confirmations,
  });
  const metrics = new ValidatorMetrics(store, config.netuids);
  let served: Awaited<ReturnType<typeof serveMetrics>> | undefined;
  if (config.metricsPort !== undefined) {
    try {
      served = await serveMetrics(metrics, config.metricsPort, config.metricsHost);
    } catch (e) {
      dendrites.close();
      store.close();
      throw e;
    }
    logger.info({ url: served.url }, "serving metrics");
  }
  const service = new ValidatorService({
    config,
    store,
    chain,
    codec: createWeightsCodec(),
    query: dendrites.query,
    hotkey: chain.hotkey,
    settlement,
    logger,
    onRound: (r) => metrics.round(r),
  });
  logger.info({ hotkey: chain.hotkey, netuids: config.netuids, db: config.dbPath }, "validator starting");

  const abort = new AbortController();
  let steps = 0;
  // Failed steps (the chain unreadable after the RPC client's own retries) back off: see ValidatorService.run.
  const loop = service.run(abort.signal, {
    onStep: (results) => {
      steps++;
      metrics.step(results);
      deps.onStep?.(results);
    },
    onStepFailure: () => metrics.stepFailed(),
  });

  let stopped: Promise<void> | undefined;
  return {
    hotkey: chain.hotkey,
    metrics,
    metricsUrl: served?.url,
    service,
    store,
    chain,
    steps: () => steps,
    stop() {
      stopped ??= (async () => {
        logger.info("validator stopping");
        abort.abort();
        dendrites.close(); // in-flight queries end now (connection closed), so the step ends quickly
        await loop;
        await served?.close();
        store.close();
        logger.info("validator stopped");
      })();
      return stopped;
    },
  };
}
