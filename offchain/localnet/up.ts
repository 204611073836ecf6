import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { LocalAccount } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { subnetRegistryAbi } from "../abi/index.js";
import { writeDeployment } from "../chain/deployments.js";
import { repoRoot } from "../deploy/artifacts.js";
import { portInUse, startAnvil, type AnvilProcess } from "../deploy/anvil.js";
import { slotOf } from "../epoch/blockAtSlot.js";
import { anvilLocalChain } from "./anvilChain.js";
import { bootstrapLocalSubnet, type NeuronKeys } from "./bootstrap.js";
import { LocalClock } from "./clock.js";
import { startFakeOllama, type FakeOllama } from "../ollama/fakeServer.js";
import { chooseOllama } from "./ollamaChoice.js";
import { readProgress } from "./progress.js";
import { startLocalServices, type LocalServices } from "./services.js";

/** Anvil's (and Hardhat's) well-known development mnemonic: local networks only. */
const DEV_MNEMONIC = "test test test test test test test test test test test junk";
const devKey = (i: number): LocalAccount => mnemonicToAccount(DEV_MNEMONIC, { addressIndex: i });

/** `.localnet/<LOCK_FILE>` holds the pid of the running localnet. */
const LOCK_FILE = "localnet.pid";

/**
 * Refuses to start while another localnet (a live pid in the lock file) uses `.localnet/`: starting would delete
 * its databases and repoint deployments/localnet.json. A lock left by a crashed run (dead pid) is ignored.
 */
export function refuseIfRunning(dataDir: string): void {
  const lock = path.join(dataDir, LOCK_FILE);
  if (!existsSync(lock)) return;
  const pid = Number(readFileSync(lock, "utf8").trim());
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return; // gone: a stale lock
  }
  throw new Error(
    `a local network is already running (pid ${pid}, ${lock}): stop it with Ctrl-C (or \`kill ${pid}\`) before starting another`,
  );
}

export interface LocalnetOptions {
  /** Settled epochs to wait for before printing the metagraph (default 3). */
  epochs: number;
  /** Leave the network running after the epochs (Ctrl-C stops it). */
  keep: boolean;
  /** Preferred RPC port; a free one is used when it is taken. */
  port: number;
  tempo: number;
  model: string;
  /** Real milliseconds per slot while services run. */
  msPerSlot: number;
  log: (line: string) => void;
  /** Called with the summary as soon as the epochs are paid: with `keep`, before the network is left running. */
  onSummary?: (summary: LocalnetSummary) => void;
  signal?: AbortSignal;
}

export interface LocalnetSummary {
  rpcUrl: string;
  deploymentFile: string;
  netuid: number;
  settledEpochs: string[];
  claims: number;
  claimedAlpha: string;
  ollama: { host: string; builtIn: boolean };
  metagraph: {
    uid: number;
    hotkey: string;
    coldkey: string;
    stakeWeight: string;
    permit: boolean;
    axon: string;
  }[];
}

/** Stopped while setting up (Ctrl-C during the deploy): nothing more is started, and `stop()` tears down. */
function abortIfStopped(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Error("stopped before the network was up (Ctrl-C)");
}

/** `tao localnet up` (`npm start`): a local network with miners and validators, run until epochs settle. */
export async function localnetUp(opts: LocalnetOptions): Promise<LocalnetSummary> {
  const { log } = opts;
  const dataDir = path.join(repoRoot, ".localnet");
  refuseIfRunning(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, LOCK_FILE);
  writeFileSync(lockFile, `${process.pid}\n`);

  log("compiling contracts (a minute or two the first time, seconds after)");
  const compiled = spawnSync(path.join(repoRoot, "node_modules", ".bin", "hardhat"), ["compile", "--quiet"], {
    cwd: repoRoot,
    stdio: ["ignore", "ignore", "pipe"],
  });
  if (compiled.status !== 0)
    throw new Error(`contract compilation failed: ${compiled.stderr.toString().trim().split("\n").pop()}`);

  // The preferred port if it is free (and stays so until Anvil binds it), else one the OS picks.
  let anvil: AnvilProcess | undefined;
  // Its own process group: Ctrl-C reaches this process, which stops the workers, then Anvil (see stop()).
  if (!(await portInUse(opts.port))) {
    anvil = await startAnvil({ port: opts.port, ownGroup: true }).catch(() => undefined);
  }
  if (anvil === undefined) {
    anvil = await startAnvil({ ownGroup: true });
    log(`port ${opts.port} is taken: using ${anvil.port}`);
  }
  let services: LocalServices | undefined;
  let clock: LocalClock | undefined;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      clock?.stop();
      await services?.stop(); // the workers first, while the chain they read still answers
      await ollama?.fake?.close();
      await Promise.allSettled(extraFakes.map((f) => f.close()));
    } finally {
      await anvil.stop();
      rmSync(lockFile, { force: true });
    }
  };
  let ollama: Awaited<ReturnType<typeof chooseOllama>> | undefined;
  const extraFakes: FakeOllama[] = [];
  try {
    log(`anvil on ${anvil.url}`);
    const chain = anvilLocalChain(anvil.url);
    const owner: NeuronKeys = { coldkey: devKey(0), hotkey: devKey(10) };
    const validators: NeuronKeys[] = [{ coldkey: devKey(1), hotkey: devKey(11) }];
    const miners: NeuronKeys[] = [2, 3, 4].map((i) => ({ coldkey: devKey(i), hotkey: devKey(10 + i) }));
    const { deployment, netuid } = await bootstrapLocalSubnet(chain, {
      network: "localnet",
      rpcUrl: anvil.url,
      owner,
      validators,
      miners,
      validatorStakeTao: [700n, 300n],
      minLockTao: 1_000n,
      // One subnet creation every 10 slots (two minutes of chain time), not mainnet's four days: `tao subnet create`.
      networkRateLimitSlots: 10n,
      tempo: opts.tempo,
      grantTao: 2_000n,
      // Anvil's accounts 5-9: funded and untouched, for `tao subnet create` and the like.
      spareColdkeys: [5, 6, 7, 8, 9].map((i) => devKey(i).address),
      commitReveal: true,
      log: (line) => log(line),
    });
    abortIfStopped(opts.signal);
    const deploymentFile = await writeDeployment(deployment);
    log(`deployment written to ${path.relative(process.cwd(), deploymentFile)}`);

    ollama = await chooseOllama(opts.model);
    log(
      ollama.builtIn
        ? `${ollama.reason}: miners use the built-in test Ollama server at ${ollama.host} (deterministic answers)`
        : `miners use Ollama at ${ollama.host} (${opts.model})`,
    );

    abortIfStopped(opts.signal);
    // The short tempo takes effect at the next epoch boundary: jump there before the services start.
    const genesis = BigInt(deployment.genesisTime);
    const slotNow = async () => slotOf((await chain.publicClient.getBlock({ blockTag: "latest" })).timestamp, genesis);
    const [, , close] = await chain.publicClient.readContract({
      address: deployment.contracts.SubnetRegistry!,
      abi: subnetRegistryAbi,
      functionName: "epochAt",
      args: [netuid, await slotNow()],
    });
    await chain.increaseTime(Number(close - (await slotNow()) + 1n) * 12);

    // With the built-in server each miner gets its own, of a different quality (one correct, one often
    // wrong, one slow past the validators' timeout), so the scores and the metagraph show Yuma at work.
    const hosts = [ollama.host];
    if (ollama.builtIn) {
      for (let i = 1; i < miners.length; i++) {
        const fake = await startFakeOllama({ host: "127.0.0.1", port: 0, models: [opts.model] });
        extraFakes.push(fake);
        hosts.push(fake.url);
      }
    }
    const TIMEOUT_MS = 1_500;
    abortIfStopped(opts.signal);
    services = await startLocalServices({
      chain,
      deployment,
      netuid,
      owner,
      validators,
      miners,
      ollamaHosts: hosts,
      model: opts.model,
      dataDir,
      timeoutMs: TIMEOUT_MS,
      log,
    });
    log(`worker logs: ${path.relative(process.cwd(), services.logsDir)}/<miner-N|owner-validator|validator-N>.log`);
    if (extraFakes.length >= 2) {
      await extraFakes[0]!.setMode({ wrongAnswers: true });
      await extraFakes[1]!.setMode({ latencyMs: TIMEOUT_MS * 2 });
      log("built-in Ollama: miner 1 answers correctly, miner 2 wrongly, miner 3 too slowly");
    }
    clock = new LocalClock(chain.publicClient, {
      slotsPerTick: 1,
      intervalMs: opts.msPerSlot,
      onError: (err) => log(`clock: ${(err as Error).message}`),
    });
    clock.start();

    const fromBlock = BigInt(deployment.deploymentBlock);
    let last = "";
    let settled: bigint[] = [];
    let progress: Awaited<ReturnType<typeof readProgress>> | undefined;
    const started = Date.now();
    const timeoutMs = Math.max(120_000, opts.epochs * opts.tempo * opts.msPerSlot * 8);
    while (!opts.signal?.aborted) {
      progress = await readProgress(
        chain.publicClient,
        { Weights: deployment.contracts.Weights!, Settlement: deployment.contracts.Settlement! },
        netuid,
        fromBlock,
      );
      settled = progress.finalised;
      const line = `slot ${await slotNow()} | commits ${progress.commits} | reveals ${progress.reveals} | submissions ${progress.submissions} | settled ${settled.length} (need ${opts.epochs}) | claims ${progress.claims}`;
      if (line.replace(/^slot \d+ \| /, "") !== last) {
        log(line);
        last = line.replace(/^slot \d+ \| /, "");
      }
      // Done once N epochs are final and every payout of them has been claimed (the metagraph then shows it).
      const paid = new Set(progress.fullyClaimed);
      if (
        settled.length >= opts.epochs &&
        progress.claims > 0 &&
        settled.slice(0, opts.epochs).every((e) => paid.has(e))
      )
        break;
      if (Date.now() - started > timeoutMs) {
        throw new Error(
          `only ${settled.length} of ${opts.epochs} epochs settled in ${Math.round(timeoutMs / 1000)} s: see the worker logs in ${path.relative(process.cwd(), services.logsDir)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 1_000));
    }

    const rows = await chain.publicClient.readContract({
      address: deployment.contracts.SubnetRegistry!,
      abi: subnetRegistryAbi,
      functionName: "metagraph",
      args: [netuid, 0, 256],
    });
    const summary: LocalnetSummary = {
      rpcUrl: anvil.url,
      deploymentFile,
      netuid,
      settledEpochs: settled.map(String),
      claims: progress?.claims ?? 0,
      claimedAlpha: (progress?.claimed ?? 0n).toString(),
      ollama: { host: ollama.host, builtIn: ollama.builtIn },
      metagraph: rows.map((r) => ({
        uid: r.uid,
        hotkey: r.hotkey,
        coldkey: r.coldkey,
        stakeWeight: r.stakeWeight.toString(),
        permit: r.permit,
        axon: r.axon.endpoint,
      })),
    };
    opts.onSummary?.(summary);
    if (opts.keep && !opts.signal?.aborted) {
      log(
        `network kept running at ${anvil.url}: the miners and validators go on settling epochs (logs in .localnet/logs/); Ctrl-C stops it`,
      );
      await new Promise<void>((resolve) => {
        if (opts.signal?.aborted) return resolve();
        opts.signal?.addEventListener("abort", () => resolve(), { once: true });
      });
    }
    return summary;
  } finally {
    await stop();
  }
}
