/**
 * A miner: Ollama behind an axon, registered and published on chain.
 *
 * Start-up, in an order that fails before it spends anything (a bad --external-url is refused by the config):
 *   0. the store in the data dir opened (a damaged one refused, naming the file and the way out);
 *   1. Ollama reachable (one clear line when not), model present (pulled with a progress bar when missing),
 *      warmed, residency logged (GPU or CPU);
 *   2. metagraph loaded, axon listening;
 *   3. self-check: the external endpoint answers /health as this hotkey;
 *   4. hotkey registered (burn shown first, refused above --max-burn);
 *   5. serveAxon, unless the hotkey's axon on chain is already this endpoint; refused by the serving rate limit,
 *      it is retried at the slot the registry names while the axon serves (publishAxon.ts).
 * While serving, a failing Ollama turns into 502/504 answers for those requests only, and the miner
 * recovers by itself when Ollama returns.
 */
import type { Writable } from "node:stream";
import { createAxon, type Axon } from "../axon/index.js";
import { silentLogger, type Logger } from "../log.js";
import { MetagraphCache } from "../metagraph/cache.js";
import { OllamaService } from "../ollama/service.js";
import { startFakeOllama, type FakeOllama } from "../ollama/fakeServer.js";
import { PROTOCOL_VERSION } from "../protocol/constants.js";
import { MinerStore } from "../store/minerStore.js";
import type { HotkeySigner } from "../protocol/signatures.js";
import { externalEndpoint, type MinerConfig } from "./config.js";
import type { MinerChain } from "./minerChain.js";
import { OllamaBackend, redactHost, scrubCredentials } from "./ollamaBackend.js";
import { ensureRegistered } from "./registration.js";
import { publishAxon, type AxonPublication } from "./publishAxon.js";
import { checkEndpoint, type HealthFetcher } from "./selfCheck.js";

export interface MinerDeps {
  chain: MinerChain;
  hotkey: HotkeySigner;
  logger?: Logger;
  /** Where the pull progress bar goes. Default stderr. */
  progressOut?: Writable & { isTTY?: boolean };
  /** How the self-check fetches /health (default: global fetch). */
  fetchHealth?: HealthFetcher;
}

export interface RunningMiner {
  axon: Axon;
  /** Base URL the axon listens on locally. */
  url: string;
  /** The endpoint published on chain. */
  endpoint: string;
  metagraph: MetagraphCache;
  backend: OllamaBackend;
  ollama: OllamaService;
  /** The built-in fake, when `fakeOllama` is set. */
  fake?: FakeOllama;
  /** The endpoint's publication on chain; undefined with `serve: false`. */
  publication?: AxonPublication;
  /** The miner's store in its data dir (closed by `close()`). */
  store: MinerStore;
  close(): Promise<void>;
}

export async function runMiner(config: MinerConfig, deps: MinerDeps): Promise<RunningMiner> {
  const log = (deps.logger ?? silentLogger()).child({ component: "miner" });
  const hotkey = deps.hotkey.address;
  log.info({ network: config.network, netuid: config.netuid, hotkey, model: config.model }, "starting miner");

  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanup = async (): Promise<void> => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        log.warn({ err: (err as Error).message }, "error while shutting down");
      }
    }
    cleanups.length = 0;
  };

  try {
    // 0. The store: each validator's highest accepted nonce, so a restart refuses replays and nothing else.
    const store = MinerStore.openIn(config.dataDir);
    cleanups.push(() => store.close());
    log.info({ dataDir: config.dataDir, file: store.file }, "miner store open");

    // 1. Ollama.
    let fake: FakeOllama | undefined;
    let host = config.ollamaHost;
    if (config.fakeOllama) {
      fake = await startFakeOllama({ models: [] });
      cleanups.push(() => fake?.close());
      host = fake.url;
      log.warn({ host: redactHost(host) }, "using the built-in fake Ollama: answers are deterministic, not a model's");
    }
    const ollama = new OllamaService({ host, logger: deps.logger });
    let version: string;
    try {
      version = await ollama.version();
    } catch (err) {
      // The error names the host, which may carry credentials (OLLAMA_HOST=http://user:password@...): whatever
      // prints or logs it shows the host without them.
      if (err instanceof Error) err.message = scrubCredentials(err.message, ollama.host);
      throw err;
    }
    log.info({ host: redactHost(host), version }, "Ollama reachable");
    const { pulled } = await ollama.ensureModel(config.model, deps.progressOut ?? process.stderr);
    if (pulled) log.info({ model: config.model }, "model pulled");
    await ollama.warm(config.model);
    const residency = await ollama.residency(config.model);
    if (fake !== undefined)
      log.info(
        { model: config.model, processor: residency.processor },
        "the fake Ollama simulates the pull and a GPU: no model is loaded, answers are computed",
      );
    else if (residency.onGpu)
      log.info(
        { model: config.model, processor: residency.processor, vramBytes: residency.vramBytes },
        "model loaded on the GPU",
      );
    else
      log.warn(
        { model: config.model, processor: residency.processor },
        "model is not on a GPU: answers will be slow and may miss deadlines",
      );

    // 2. Metagraph and axon.
    const metagraph = new MetagraphCache({
      netuid: config.netuid,
      refreshMs: config.metagraphRefreshMs,
      // Permits older than ten refreshes (the chain unreachable for that long) are not trusted: 503 instead.
      maxStaleMs: config.metagraphRefreshMs * 10,
      source: () => deps.chain.metagraph(config.netuid),
      logger: deps.logger,
    });
    await metagraph.start();
    cleanups.push(() => metagraph.stop());
    const backend = new OllamaBackend({
      service: ollama,
      model: config.model,
      generationTimeoutMs: config.limits.generationTimeoutMs,
      logger: deps.logger,
    });
    const l = config.limits;
    const axon = await createAxon(
      {
        chainId: deps.chain.chainId,
        netuid: config.netuid,
        maxConcurrent: l.maxConcurrent,
        queueSize: l.queueSize,
        // Unset: the axon's default (a quarter of maxConcurrent, at least 1).
        ...(l.maxPerValidator === undefined ? {} : { maxPerValidator: l.maxPerValidator }),
        ratePerSecond: l.ratePerSecond,
        rateBurst: l.rateBurst,
        ipRatePerSecond: l.ipRatePerSecond,
        ipRateBurst: l.ipRateBurst ?? Math.max(1, Math.ceil(l.ipRatePerSecond * 2)),
        maxConnections: l.maxConnections,
        maxSocketsPerIp: l.maxSocketsPerIp,
        trustedProxies: l.trustedProxies,
        headersTimeoutMs: l.headersTimeoutMs,
        bodyLimitBytes: l.bodyLimitBytes,
        maxResponseBytes: l.maxResponseBytes,
        maxTimeoutMs: l.maxTimeoutMs,
        clockSkewMs: l.clockSkewMs,
      },
      { signer: deps.hotkey, metagraph, backend, logger: deps.logger, nonceStore: store },
    );
    cleanups.push(() => axon.close());
    const url = await axon.listen({ port: config.port, host: config.host });

    // 3. Self-check: before anything is spent, the external endpoint must reach this axon.
    const endpoint = externalEndpoint(config, Number(new URL(url).port));
    if (config.serve) {
      await checkEndpoint(endpoint, hotkey, deps.fetchHealth);
      log.info({ endpoint }, "external endpoint answers /health as this hotkey");
    }

    // 4. Registration.
    await ensureRegistered(deps.chain, {
      netuid: config.netuid,
      hotkey,
      register: config.register,
      maxBurn: config.maxBurn,
      hotkeyPaysGas: config.serve,
      logger: log,
    });

    // 5. Publish (skipped when already on chain; retried later when rate-limited).
    let publication: AxonPublication | undefined;
    if (config.serve) {
      const p = await publishAxon({
        chain: deps.chain,
        metagraph,
        netuid: config.netuid,
        hotkey,
        endpoint,
        protocol: 0,
        version: PROTOCOL_VERSION,
        logger: log,
      });
      publication = p;
      cleanups.push(() => p.stop());
    } else {
      log.warn({ url }, "--no-serve: the endpoint is not published; validators will not find this miner");
    }

    log.info({ url, endpoint }, "miner serving");
    if (config.summaryIntervalMs > 0) {
      // What a miner operator watches: answers and refusals since the last line (all of /metrics, in the log).
      let seen = { requests: new Map<string, number>(), rejections: new Map<string, number>() };
      const since = (now: Map<string, number>, before: Map<string, number>): Record<string, number> =>
        Object.fromEntries(
          [...now].map(([k, v]) => [k === "" ? "all" : k, v - (before.get(k) ?? 0)]).filter(([, d]) => d !== 0),
        );
      const timer = setInterval(() => {
        const now = { requests: axon.metrics.requests.snapshot(), rejections: axon.metrics.rejections.snapshot() };
        const { active, queued } = axon.stats();
        log.info(
          {
            answered: since(now.requests, seen.requests),
            refused: since(now.rejections, seen.rejections),
            active,
            queued,
            metagraphNeurons: metagraph.size,
          },
          "serving",
        );
        seen = now;
      }, config.summaryIntervalMs);
      timer.unref();
      cleanups.push(() => clearInterval(timer));
    }
    let closed = false;
    return {
      axon,
      url,
      endpoint,
      metagraph,
      backend,
      ollama,
      fake,
      store,
      ...(publication === undefined ? {} : { publication }),
      async close(): Promise<void> {
        if (closed) return;
        closed = true;
        log.info("miner stopping");
        await cleanup();
        log.info("miner stopped");
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
