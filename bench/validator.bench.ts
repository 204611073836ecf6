/**
 * Validator rounds over 256 miners, loopback only.
 *
 * The miners run in child processes (so `process.cpuUsage()` here is the validator's own CPU): 256 real
 * axons (fastify, signed protocol) in front of fake Ollama servers: 70% answer correctly, 20% are slow past
 * the validator's timeout, 10% answer garbage (wrong answers). The validator side is the production path:
 * `runRound` with the dendrite QueryFn adapter (one Dendrite, keep-alive agents), a SQLite store and all 256
 * queries in flight at once.
 *
 * The fleet stands in for 256 machines, so:
 * - It is split over a few processes (FLEETS, at most one per core): one process would serve every miner's
 *   signature check and answer signature on one core, which is not what a validator meets.
 * - Per-miner one-off costs are paid before the measurement: an axon checks a validator's first request by
 *   key recovery, and from the second on against that key's precomputed table (protocol/signatures.ts, built
 *   once, ~25 ms with the pure-JS curve). 256 axons in one place build 256 tables in the second round: seconds
 *   of blocked event loop, which made every query of the measured round time out (the first round was the
 *   warm-up). So the bench first primes every axon (two queries each, 16 at a time), then runs one warm-up
 *   round and the measured rounds. After each of these steps it waits for a barrier: an IPC ping every fleet
 *   answers once its event loop is free.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { getAddress, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { untilAccepting } from "./axonReady.js";
import type { BenchResult } from "./types.js";

const CHAIN_ID = 31337;
const NETUID = 1;
const MINERS = Number(process.env.VALIDATOR_BENCH_MINERS ?? 256);
const FLEETS = Number(process.env.VALIDATOR_BENCH_FLEETS ?? Math.max(1, Math.min(4, availableParallelism())));
const TIMEOUT_MS = 1_500;
const WARM_UP_ROUNDS = 1;
const MEASURED_ROUNDS = 3;
const CHILD_ENV = "VALIDATOR_BENCH_FLEET";

type Kind = "correct" | "slow" | "garbage";

interface FleetMiner {
  uid: number;
  hotkey: Address;
  url: string;
  kind: Kind;
}

const kindOf = (uid: number): Kind => (uid % 10 < 2 ? "slow" : uid % 10 === 2 ? "garbage" : "correct");

/** Child side: the axons of uids `first, first + step, ...`, reported to the parent over IPC. */
async function runFleet(validator: Address, first: number, step: number): Promise<void> {
  const { createAxon } = await import("../offchain/axon/index.js");
  const { StaticMetagraph } = await import("../offchain/metagraph/cache.js");
  const { OllamaBackend } = await import("../offchain/miner/ollamaBackend.js");
  const { OllamaService } = await import("../offchain/ollama/service.js");
  const { startFakeOllama } = await import("../offchain/ollama/fakeServer.js");
  const { createHotkeySigner } = await import("../offchain/protocol/index.js");
  const fakes: Record<Kind, Awaited<ReturnType<typeof startFakeOllama>>> = {
    correct: await startFakeOllama({}),
    slow: await startFakeOllama({ mode: { latencyMs: TIMEOUT_MS * 3 } }),
    garbage: await startFakeOllama({ mode: { wrongAnswers: true } }),
  };
  const backend = (k: Kind) =>
    new OllamaBackend({
      service: new OllamaService({ host: fakes[k].url }),
      model: "llama3.2:1b",
      generationTimeoutMs: 30_000,
    });
  const backends: Record<Kind, InstanceType<typeof OllamaBackend>> = {
    correct: backend("correct"),
    slow: backend("slow"),
    garbage: backend("garbage"),
  };
  const metagraph = new StaticMetagraph([
    { uid: MINERS, hotkey: validator, coldkey: validator, stake: 10n ** 12n, validatorPermit: true },
  ]);
  const out: FleetMiner[] = [];
  let acceptingFrom = 0;
  for (let uid = first; uid < MINERS; uid += step) {
    const signer = createHotkeySigner(generatePrivateKey());
    const kind = kindOf(uid);
    const axon = await createAxon(
      {
        chainId: CHAIN_ID,
        netuid: NETUID,
        maxConcurrent: 4,
        ratePerSecond: 1e6,
        rateBurst: 1e6,
        ipRatePerSecond: 0,
        clockSkewMs: 1_000,
      },
      { signer, metagraph, backend: backends[kind] },
    );
    out.push({ uid, hotkey: signer.address, url: await axon.listen({ port: 0, host: "127.0.0.1" }), kind });
    acceptingFrom = Math.max(acceptingFrom, axon.noncesFromMs);
  }
  await untilAccepting(acceptingFrom);
  process.on("message", (m: { ping?: number; exit?: true }) => {
    if (m.ping !== undefined) process.send!({ pong: m.ping, cpu: process.cpuUsage() });
    if (m.exit === true) process.exit(0);
  });
  process.send!({ miners: out });
}

if (process.env[CHILD_ENV] !== undefined && process.send) {
  const [validator, first, step] = process.env[CHILD_ENV]!.split(",");
  await runFleet(getAddress(validator!), Number(first), Number(step));
}

/** Resolves once every fleet's event loop has answered a ping, with their CPU time so far (ms). */
async function fleetsIdle(children: readonly ChildProcess[], id: number): Promise<number> {
  const cpus = await Promise.all(
    children.map(
      (child) =>
        new Promise<number>((resolve) => {
          const on = (m: { pong?: number; cpu?: NodeJS.CpuUsage }): void => {
            if (m.pong !== id || m.cpu === undefined) return;
            child.off("message", on);
            resolve((m.cpu.user + m.cpu.system) / 1000);
          };
          child.on("message", on);
          child.send({ ping: id });
        }),
    ),
  );
  return cpus.reduce((a, b) => a + b, 0);
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

export default async function bench(): Promise<BenchResult> {
  const { createDendriteQuery } = await import("../offchain/validator/adapters/queryFn.js");
  const { runRound, DEFAULT_SLACK_MS } = await import("../offchain/validator/round.js");
  const { ValidatorStore } = await import("../offchain/store/validatorStore.js");
  const { createHotkeySigner } = await import("../offchain/protocol/index.js");
  const key: Hex = generatePrivateKey();
  const validator = privateKeyToAccount(key);
  const prof = process.env.FLEET_PROF; // a directory: write each fleet's CPU profile there
  const children = Array.from({ length: FLEETS }, (_, i) =>
    fork(fileURLToPath(import.meta.url), [], {
      execArgv: ["--import", "tsx", ...(prof ? ["--cpu-prof", `--cpu-prof-dir=${prof}`] : [])],
      env: { ...process.env, [CHILD_ENV]: `${validator.address},${i},${FLEETS}` },
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    }),
  );
  try {
    const spawned = performance.now();
    const fleets = await Promise.all(
      children.map(
        (child) =>
          new Promise<FleetMiner[]>((resolve, reject) => {
            child.once("message", (m) => resolve((m as { miners: FleetMiner[] }).miners));
            child.once("exit", (code) => reject(new Error(`a miner fleet exited with code ${code}`)));
          }),
      ),
    );
    const miners = fleets.flat().sort((a, b) => a.uid - b.uid);
    const fleetMs = performance.now() - spawned;
    const pool = createDendriteQuery({
      signer: createHotkeySigner(key),
      chainId: CHAIN_ID,
      socketsPerHost: 2,
      allowPrivateEndpoints: true, // its miners listen on 127.0.0.1
    });
    const store = ValidatorStore.open(path.join(mkdtempSync(path.join(tmpdir(), "vbench-")), "v.db"));
    const metagraph = {
      netuid: NETUID,
      slot: 1,
      neurons: miners.map((m) => ({
        uid: m.uid,
        hotkey: m.hotkey,
        axon: { url: m.url, hotkey: m.hotkey, netuid: NETUID },
      })),
    };
    const round = (seed: string, slot: number) =>
      runRound({
        metagraph,
        sample: "all",
        seed,
        query: pool.query,
        timeoutMs: TIMEOUT_MS,
        store,
        slot,
        selfHotkey: validator.address,
      });
    const verbose = process.env.VALIDATOR_BENCH_VERBOSE !== undefined; // per-round lines on stderr
    const load = loadavg()[0] ?? 0;
    let pings = 0;
    // Priming: every axon checks this validator's signature twice, a few at a time (so none is starved), and
    // builds that key's table; then the fleets go idle. This is the steady state of a miner serving a validator.
    const targets = miners.map((m) => ({ hotkey: m.hotkey, url: m.url }));
    for (let pass = 0; pass < 2; pass++) {
      await pool
        .dendrite(NETUID)
        .queryMany(targets, { kind: "text", prompt: "What is 2 + 2?" }, { concurrency: 16, timeoutMs: 1_000 });
      await fleetsIdle(children, ++pings);
    }
    let seen = await fleetsIdle(children, ++pings);
    for (let w = 1; w <= WARM_UP_ROUNDS; w++) {
      const r = await round(`warm-up-${w}`, w);
      const now = await fleetsIdle(children, ++pings);
      if (verbose)
        process.stderr.write(
          `warm-up ${w}: ${r.durationMs} ms, fleet CPU ${Math.round(now - seen)} ms, ${r.results.filter((x) => x.score > 0).length} scored\n`,
        );
      seen = now;
    }
    const kindOfUid = new Map(miners.map((m) => [m.uid, m.kind]));
    const statuses: Record<Kind, Record<string, number>> = { correct: {}, slow: {}, garbage: {} };
    const scored: Record<Kind, number> = { correct: 0, slow: 0, garbage: 0 };
    const walls: number[] = [];
    const cpus: number[] = [];
    const fleetCpus: number[] = [];
    let fleetCpu = seen;
    for (let i = 0; i < MEASURED_ROUNDS; i++) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const r = await round(`measured-${i}`, 10 + i);
      walls.push(performance.now() - t0);
      const cpu = process.cpuUsage(cpu0);
      cpus.push((cpu.user + cpu.system) / 1000);
      const after = await fleetsIdle(children, ++pings);
      fleetCpus.push(after - fleetCpu);
      if (verbose) {
        // Per round: kind:outcome:status:error:latency (to 250 ms) counts.
        const detail: Record<string, number> = {};
        for (const x of r.results) {
          const e = `${kindOfUid.get(x.uid)}:${x.outcome}:${x.status ?? ""}:${x.error ?? ""}:${Math.round(x.latencyMs / 250) * 250}`;
          detail[e] = (detail[e] ?? 0) + 1;
        }
        process.stderr.write(
          `measured ${i}: ${r.durationMs} ms, CPU ${Math.round(cpus[i] as number)} ms, fleet CPU ` +
            `${Math.round(after - fleetCpu)} ms, ${JSON.stringify(detail)}\n`,
        );
      }
      fleetCpu = after;
      for (const x of r.results) {
        const kind = kindOfUid.get(x.uid) as Kind;
        // A signed answer came back: "200" (scored right or wrong); else the dendrite's status or the label.
        const k =
          x.status !== undefined
            ? String(x.status)
            : x.outcome === "correct" || x.outcome === "wrong"
              ? "200"
              : x.outcome;
        statuses[kind][k] = (statuses[kind][k] ?? 0) + 1;
        if (x.score > 0) scored[kind]++;
      }
    }
    pool.close();
    store.close();
    const per = (k: Kind) =>
      `${miners.filter((m) => m.kind === k).length} ${k} (${JSON.stringify(statuses[k])}, ${scored[k]} scored > 0)`;
    return {
      timeMs: {
        validator_round_256_miners: Math.round(median(walls)),
        validator_round_256_miners_max: Math.round(Math.max(...walls)),
        validator_round_timeout: TIMEOUT_MS,
        validator_round_cpu: Math.round(median(cpus)),
        validator_round_fleet_cpu: Math.round(median(fleetCpus)),
        validator_fleet_startup_256_axons: Math.round(fleetMs),
      },
      notes: {
        validator_round:
          `${MINERS} real axons in ${FLEETS} fleet processes (fake Ollamas), all queries in flight; ` +
          `${MEASURED_ROUNDS} measured rounds after priming and ${WARM_UP_ROUNDS} warm-up round, statuses summed over them: ` +
          `${per("correct")}, ${per("slow")}, ${per("garbage")}. Round time: median and max (the round's deadline ` +
          `is the ${TIMEOUT_MS} ms timeout, + ${DEFAULT_SLACK_MS} ms slack for a query that ignores it). CPU per ` +
          `round (median, user + system): the validator process, and all fleets together. Load average when it ` +
          `started: ${load.toFixed(1)} on ${availableParallelism()} cores (other work starves both sides: correct miners then time out)`,
      },
    };
  } finally {
    // A clean exit (so FLEET_PROF runs write the fleets' profiles), else a kill.
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((r) => child.once("exit", () => r()));
        if (child.connected) child.send({ exit: true });
        const timer = setTimeout(() => child.kill(), 5_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}
