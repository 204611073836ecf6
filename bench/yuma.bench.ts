/**
 * Yuma epoch and epoch-result timings on deterministic synthetic states (seeded integer PRNG, dense
 * validator weights, prior bonds on ~3/4 of the cells). Each timing is the median of several runs after
 * a warm-up run, single-threaded.
 */
import { buildEpochResult } from "../offchain/result/tree.js";
import { runEpoch } from "../offchain/yuma/epoch.js";
import { syntheticEpoch } from "../offchain/yuma/synthetic.js";
import type { YumaInput, YumaParams } from "../offchain/yuma/types.js";
import type { BenchResult } from "./types.js";

function medianMs(runs: number, fn: () => void): number {
  fn(); // warm-up (JIT)
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[times.length >> 1]! * 10) / 10;
}

function state(uids: number, validators: number, params: Partial<YumaParams>): YumaInput {
  return syntheticEpoch({ uids, validators, seed: 20_250_601, params });
}

export default async function bench(): Promise<BenchResult> {
  const yuma3 = { yuma3: true, liquidAlpha: false };
  const original = { yuma3: false, liquidAlpha: false };
  const liquid = { yuma3: true, liquidAlpha: true };
  // Inputs are built before timing: the rows time runEpoch alone.
  const s256 = state(256, 64, yuma3);
  const s1024 = state(1024, 256, yuma3);
  const o256 = state(256, 64, original);
  const l256 = state(256, 64, liquid);
  const o1024 = state(1024, 256, original);
  const timeMs: Record<string, number> = {
    "runEpoch 256 uids / 64 validators (Yuma 3)": medianMs(7, () => runEpoch(s256)),
    "runEpoch 1024 uids / 256 validators (Yuma 3)": medianMs(3, () => runEpoch(s1024)),
    "runEpoch 256 uids / 64 validators (original Yuma)": medianMs(7, () => runEpoch(o256)),
    "runEpoch 256 uids / 64 validators (Yuma 3 + liquid alpha)": medianMs(5, () => runEpoch(l256)),
    "runEpoch 1024 uids / 256 validators (original Yuma)": medianMs(3, () => runEpoch(o1024)),
  };
  const out256 = runEpoch(s256);
  const hotkeys = out256.stake.map((_, uid) => `0x${(uid + 1).toString(16).padStart(40, "0")}`);
  timeMs["epoch result tree, 256 leaves"] = medianMs(7, () => {
    buildEpochResult({ netuid: 1, epoch: 1n, hotkeys, output: out256 });
  });
  return {
    timeMs,
    notes: {
      "yuma state": "seeded mulberry32; validators weight every other uid (dense), bonds on ~75% of cells",
      "yuma params": "kappa 32767, bondsPenalty 65535, bondsMovingAverage 900000, tempo 360",
      "yuma targets": "256/64 ≤ 100 ms, 1024/256 ≤ 2000 ms (one core)",
      "yuma arithmetic": "BigInt fixed point throughout (I32F32/I64F64/I96F32), no floats on the path",
    },
  };
}
