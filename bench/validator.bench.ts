/**
 * One validator round over 256 miners, loopback only.
 *
 * The miners run in a child process (so `process.cpuUsage()` here is the validator's own CPU): 256 real
 * axons (fastify, signed protocol) in front of three fake Ollama servers: 70% answer correctly, 20% are slow
 * past the validator's timeout, 10% answer garbage (wrong answers). The validator side is the production
 * path: `runRound` with the dendrite QueryFn adapter (one Dendrite, keep-alive agents), a SQLite store and
 * all 256 queries in flight at once. One warm-up round, then the measured one.
 */
import { fork } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { getAddress, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { BenchResult } from "./types.js";

const CHAIN_ID = 31337;
const NETUID = 1;
const MINERS = Number(process.env.VALIDATOR_BENCH_MINERS ?? 256);
const TIMEOUT_MS = 1_500;
const CHILD_ENV = "VALIDATOR_BENCH_FLEET";

interface FleetMiner {
  uid: number;
  hotkey: Address;
  url: string;
  kind: "correct" | "slow" | "garbage";
}

const kindOf = (uid: number): FleetMiner["kind"] => (uid % 10 < 2 ? "slow" : uid % 10 === 2 ? "garbage" : "correct");

/** Child side: the fleet of axons, reported to the parent over IPC. */
async function runFleet(validator: Address): Promise<void> {
  const { createAxon } = await import("../offchain/axon/index.js");
  const { StaticMetagraph } = await import("../offchain/metagraph/cache.js");
  const { OllamaBackend } = await import("../offchain/miner/ollamaBackend.js");
  const { OllamaService } = await import("../offchain/ollama/service.js");
  const { startFakeOllama } = await import("../offchain/ollama/fakeServer.js");
  const { createHotkeySigner } = await import("../offchain/protocol/index.js");
  const fakes = {
    correct: await startFakeOllama({}),
    slow: await startFakeOllama({ mode: { latencyMs: TIMEOUT_MS * 3 } }),
    garbage: await startFakeOllama({ mode: { wrongAnswers: true } }),
  };
  const backends = Object.fromEntries(
    Object.entries(fakes).map(([k, f]) => [
      k,
      new OllamaBackend({
        service: new OllamaService({ host: f.url }),
        model: "llama3.2:1b",
        generationTimeoutMs: 30_000,
      }),
    ]),
  ) as Record<FleetMiner["kind"], InstanceType<typeof OllamaBackend>>;
  const metagraph = new StaticMetagraph([
    { uid: MINERS, hotkey: validator, coldkey: validator, stake: 10n ** 12n, validatorPermit: true },
  ]);
  const out: FleetMiner[] = [];
  for (let uid = 0; uid < MINERS; uid++) {
    const signer = createHotkeySigner(generatePrivateKey());
    const kind = kindOf(uid);
    const axon = await createAxon(
      { chainId: CHAIN_ID, netuid: NETUID, maxConcurrent: 4, ratePerSecond: 1e6, rateBurst: 1e6, ipRatePerSecond: 0 },
      { signer, metagraph, backend: backends[kind] },
    );
    out.push({ uid, hotkey: signer.address, url: await axon.listen({ port: 0, host: "127.0.0.1" }), kind });
  }
  process.send!({ miners: out });
}

if (process.env[CHILD_ENV] !== undefined && process.send) {
  await runFleet(getAddress(process.env[CHILD_ENV]!));
}

export default async function bench(): Promise<BenchResult> {
  const { createDendriteQuery } = await import("../offchain/validator/adapters/queryFn.js");
  const { runRound } = await import("../offchain/validator/round.js");
  const { ValidatorStore } = await import("../offchain/store/validatorStore.js");
  const key: Hex = generatePrivateKey();
  const validator = privateKeyToAccount(key);
  const child = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, [CHILD_ENV]: validator.address },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  try {
    const spawned = performance.now();
    const miners = await new Promise<FleetMiner[]>((resolve, reject) => {
      child.once("message", (m) => resolve((m as { miners: FleetMiner[] }).miners));
      child.once("exit", (code) => reject(new Error(`the miner fleet exited with code ${code}`)));
    });
    const fleetMs = performance.now() - spawned;
    const { createHotkeySigner } = await import("../offchain/protocol/index.js");
    const pool = createDendriteQuery({ signer: createHotkeySigner(key), chainId: CHAIN_ID, socketsPerHost: 2 });
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
        concurrency: MINERS,
      });
    await round("warm-up", 1);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await round("measured", 2);
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    pool.close();
    store.close();
    const byKind = (k: FleetMiner["kind"]) => {
      const uids = new Set(miners.filter((m) => m.kind === k).map((m) => m.uid));
      const rs = r.results.filter((x) => uids.has(x.uid));
      return { n: rs.length, scored: rs.filter((x) => x.score > 0).length };
    };
    const outcomes: Record<string, number> = {};
    for (const x of r.results) {
      const k = x.status ? `${x.outcome}:${x.status}` : x.outcome;
      outcomes[k] = (outcomes[k] ?? 0) + 1;
    }
    const c = byKind("correct");
    const s = byKind("slow");
    const g = byKind("garbage");
    return {
      timeMs: {
        validator_round_256_miners: Math.round(wallMs),
        validator_round_timeout: TIMEOUT_MS,
        validator_round_cpu_user_plus_system: Math.round((cpu.user + cpu.system) / 1000),
        validator_fleet_startup_256_axons: Math.round(fleetMs),
      },
      notes: {
        validator_round:
          `256 real axons (one child process, 3 fake Ollamas); ${c.n} correct (${c.scored} scored > 0), ` +
          `${s.n} slow past the ${TIMEOUT_MS} ms timeout (${s.scored} scored), ${g.n} garbage (${g.scored} scored); ` +
          `outcomes ${JSON.stringify(outcomes)}; all 256 queries in flight; round time ≈ timeout + grace (250 ms) when slow miners exist; the fake Ollama's solver answers only ~5% of generated tasks right, so few 'correct' miners score > 0 (the timing is what this measures); CPU is the validator process only`,
      },
    };
  } finally {
    child.kill();
  }
}
