/**
 * `startValidator(config, deps?)`: builds every adapter (viem ChainPort, weights codec, EpochWorker settlement,
 * one Dendrite per subnet) around a ValidatorStore and runs the ValidatorService loop until `stop()`.
 *
 * Without `deps.chain` it connects from the config: deployments/<network>.json, the network's RPC URL
 * (`rpcUrl` overrides it), and the hotkey `wallet.name/wallet.hotkey` from the wallets directory (hotkeys are
 * unencrypted; the validator never needs the coldkey). An orchestrator running a local network in one
 * process passes `deps.chain` instead: a PublicClient, a WalletClient signing as the hotkey, the deployment.
 *
 * With `model` in the config, open prompts are scored through Ollama (`openModelFromConfig`): reference
 * answers from `model.name`, embeddings from `model.embedModel` (/api/embed), at `model.host` (default
 * $OLLAMA_HOST, else 127.0.0.1:11434), scaled by `similarityFloor`.
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { PublicClient } from "viem";
import { settlementAbi } from "../abi/index.js";
import { assertChainId, getPublicClient, getWalletClient, isLocalNetwork, resolveNetwork } from "../chain/client.js";
import { readDeployment } from "../chain/deployments.js";
import { slotOf } from "../epoch/blockAtSlot.js";
import { silentLogger, type Logger } from "../log.js";
import { normalizeModelName } from "../ollama/models.js";
import { OllamaService, redactHost, scrubCredentials } from "../ollama/service.js";
import { createOllamaOpenModel, type OllamaOpenModel } from "../scoring/ollamaOpenModel.js";
import type { HotkeySigner } from "../protocol/signatures.js";
import { moveStoreAside, StoreRedeployedError, ValidatorStore } from "../store/validatorStore.js";
import { genesisLabel } from "../util/genesis.js";
import { resolveWalletsDir } from "../wallet/paths.js";
import { WalletStore } from "../wallet/wallet-store.js";
import { createChainPort, type ViemChainPort } from "./adapters/chainPort.js";
import { protocolAddresses, type ProtocolDeployment, type Wallet } from "./adapters/protocol.js";
import { createDendriteQuery } from "./adapters/queryFn.js";
import { createSettlementPort } from "./adapters/settlementPort.js";
import { createWeightsCodec } from "./adapters/weightsCodec.js";
import { serveMetrics, ValidatorMetrics } from "./metrics.js";
import { LEGACY_VALIDATOR_DB, subnetSettings, type ValidatorConfig } from "./config.js";
import { ValidatorService, type TickResult } from "./service.js";
import { fundHotkeyCommand } from "../wallet/fundHint.js";

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
  /** The model for open prompts (reference answers and embeddings through Ollama), when `model` is set. */
  readonly open: OllamaOpenModel | undefined;
  /** Steps completed so far. */
  steps(): number;
  /**
   * Stops the service and waits for its step in flight (the round drops its unanswered queries as unscored,
   * no transaction starts after the stop), then closes the dendrites, the metrics server and the store.
   */
  stop(): Promise<void>;
}

/**
 * The open-prompt model the config asks for: `model.name` answers through Ollama at `model.host` (default
 * $OLLAMA_HOST, else http://127.0.0.1:11434), `model.embedModel` embeds, `similarityFloor` scales; none
 * without `model`.
 */
export function openModelFromConfig(config: ValidatorConfig): OllamaOpenModel | undefined {
  if (!config.model) return undefined;
  return createOllamaOpenModel({
    model: config.model.name,
    embedModel: config.model.embedModel,
    ...(config.model.host !== undefined ? { host: config.model.host } : {}),
    similarityFloor: config.similarityFloor,
  });
}

/** Warns (never fails: Ollama may come up later) when Ollama is unreachable or lacks a configured model. */
async function checkOpenModel(open: OllamaOpenModel, logger: Logger): Promise<void> {
  try {
    const have = new Set((await new OllamaService({ host: open.host }).listModels()).map(normalizeModelName));
    const missing = [open.model, open.embedModel].filter((m) => !have.has(normalizeModelName(m)));
    if (missing.length > 0)
      logger.warn(
        { host: redactHost(open.host), missing },
        `Ollama lacks ${missing.join(", ")}: open answers stay unscored until you run \`ollama pull ${missing[0]}\``,
      );
  } catch (e) {
    logger.warn(
      { host: redactHost(open.host), err: scrubCredentials(e instanceof Error ? e.message : String(e), open.host) },
      "Ollama is not reachable: open answers stay unscored until it is",
    );
  }
}

/** Connects from the config alone: deployment file, RPC URL, hotkey from the wallets directory. */
export async function connectValidatorChain(config: ValidatorConfig): Promise<ValidatorChainDeps> {
  const deployment = await readDeployment(config.network);
  const network = resolveNetwork(config.network, {
    ...(config.rpcUrl ? { rpcUrl: config.rpcUrl } : {}),
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
  const walletNames = { wallet: config.wallet.name, hotkey: config.wallet.hotkey, network: config.network };
  const chain = createChainPort({ client, wallet, deployment, confirmations: config.confirmations, walletNames });
  mkdirSync(path.dirname(path.resolve(config.dbPath)), { recursive: true });
  const legacy = path.resolve(LEGACY_VALIDATOR_DB);
  if (config.dbPathDefaulted && !existsSync(config.dbPath) && existsSync(legacy)) {
    logger.warn(
      { db: config.dbPath, legacy },
      `starting a new store at ${config.dbPath}, but ${legacy} exists: the store of a validator started here by an ` +
        `earlier version (the default was ./.validator/validator.db). To keep its commits, settlements and scores, ` +
        `stop and start again with --db ${legacy}`,
    );
  }
  // The genesis the Settlement reports (not only the deployment file's): with the chain id and the address it
  // tells a chain reset and deployed again, whose old store is of contracts that are gone.
  const settlementAddress = protocolAddresses(deployment).Settlement;
  const genesisTime = Number(
    await client.readContract({ address: settlementAddress, abi: settlementAbi, functionName: "genesisTime" }),
  );
  if (BigInt(genesisTime) !== BigInt(deployment.genesisTime)) {
    throw new Error(
      `the Settlement at ${settlementAddress} has genesis ${genesisLabel(genesisTime)}, the deployment file ` +
        `${genesisLabel(Number(deployment.genesisTime))}: the file is of another deployment; deploy again, or use ` +
        "the deployment file written by this chain's deploy",
    );
  }
  const identity = { chainId: deployment.chainId, settlement: settlementAddress, hotkey: chain.hotkey, genesisTime };
  // A store from before genesis times were recorded is checked against this: a reset chain starts again at 0.
  // The head itself, not `confirmations` blocks below it: the store's progress never passes the head's slot.
  const head = await client.getBlock({ blockTag: "latest" });
  const currentSlot = Number(slotOf(head.timestamp, BigInt(genesisTime)));
  let store = ValidatorStore.open(config.dbPath);
  let closed = false;
  try {
    // One hotkey on one deployment per store: another chain's settled epochs or salts must never be used here.
    let binding;
    try {
      binding = store.bindIdentity(identity, currentSlot);
    } catch (e) {
      if (!(e instanceof StoreRedeployedError)) throw e;
      // The same chain and addresses, another genesis: the chain was reset and deployed again. The old store is
      // of contracts that no longer exist: kept aside, and this deployment starts a new one.
      store.close();
      closed = true;
      const aside = moveStoreAside(config.dbPath, e.haveGenesis);
      logger.warn(
        { db: config.dbPath, aside, oldGenesis: e.haveGenesis, genesis: genesisTime },
        `the chain was deployed again (genesis ${genesisLabel(e.haveGenesis)} -> ${genesisLabel(genesisTime)}): ` +
          `the old store is kept as ${aside}, a new one starts at ${config.dbPath}`,
      );
      store = ValidatorStore.open(config.dbPath);
      closed = false;
      binding = store.bindIdentity(identity, currentSlot);
    }
    if (binding === "adopted-genesis") {
      logger.info(
        { db: config.dbPath, genesisTime },
        "validator store: recorded the deployment's genesis time (the store predates it)",
      );
    }
  } catch (e) {
    if (!closed) store.close();
    throw e;
  }
  const dendrites = createDendriteQuery({
    signer: deps.signer ?? (wallet.account as HotkeySigner),
    chainId: deployment.chainId,
    logger,
    socketsPerHost: Math.min(64, config.concurrency),
    // Local networks' miners serve on 127.0.0.1; anywhere else a miner's endpoint must be a public address.
    allowPrivateEndpoints: isLocalNetwork(config.network),
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
  const open = openModelFromConfig(config);
  const service = new ValidatorService({
    config,
    store,
    chain,
    codec: createWeightsCodec(),
    query: dendrites.query,
    hotkey: chain.hotkey,
    settlement,
    ...(open ? { open } : {}),
    logger,
    onRound: (r) => metrics.round(r),
  });
  logger.info(
    {
      hotkey: chain.hotkey,
      netuids: config.netuids,
      db: config.dbPath,
      ...(open ? { model: open.model, embedModel: open.embedModel, ollama: redactHost(open.host) } : {}),
    },
    "validator starting",
  );
  if (open) void checkOpenModel(open, logger);
  // Verifiable tasks alone are answered exactly by code (offchain/tasks/solve.ts): on a public network a subnet
  // scored only by them pays a solver as much as a model. Said once at start; local networks test with them.
  const verifiableOnly = config.netuids.filter((n) => subnetSettings(config, n).taskMix.open === 0);
  if (!isLocalNetwork(config.network) && verifiableOnly.length > 0)
    logger.warn(
      { netuids: verifiableOnly },
      `netuid(s) ${verifiableOnly.join(", ")} are scored by verifiable tasks only, which code answers exactly without a ` +
        "model: give the validator a model (`model` in the config, `--model`) so open prompts, which only a model " +
        "answers well, take part (the default mix with a model is half open)",
    );
  // Every commit, reveal, vote and claim is paid by the hotkey: say so at once rather than in every failed action.
  void client
    .getBalance({ address: chain.hotkey })
    .then((gas) => {
      if (gas === 0n)
        logger.warn(
          { hotkey: chain.hotkey },
          `hotkey ${chain.hotkey} has no native coin for gas: its weights, votes and claims will fail until it is ` +
            `funded (\`${fundHotkeyCommand(walletNames)}\`)`,
        );
    })
    .catch(() => {}); // the loop reports an unreachable chain

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
    open,
    steps: () => steps,
    stop() {
      stopped ??= (async () => {
        logger.info("validator stopping");
        // The service first: its round aborts the queries in flight (unscored, not failed) and no transaction
        // starts after this; only once its step is over are the dendrites and the store closed under it.
        abort.abort();
        try {
          await loop;
          logger.info("service stopped: closing the dendrites and the store");
        } finally {
          dendrites.close();
          try {
            await served?.close();
          } finally {
            store.close();
          }
        }
        logger.info("validator stopped");
      })();
      return stopped;
    },
  };
}
