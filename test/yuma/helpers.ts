/** Builders for hand-made epoch inputs (defaults: subtensor's, Yuma 3 on, everyone active). */
import { readFileSync } from "node:fs";
import { DEFAULT_PARAMS } from "../../offchain/yuma/synthetic.js";
import type { NeuronInput, U16Pairs, YumaInput, YumaParams } from "../../offchain/yuma/types.js";

export interface NeuronSpec {
  stake?: bigint;
  lastUpdate?: bigint;
  blockAtRegistration?: bigint;
  validatorPermit?: boolean;
  weights?: U16Pairs;
  bonds?: U16Pairs;
}

export function neuron(spec: NeuronSpec = {}): NeuronInput {
  return {
    stake: spec.stake ?? 0n,
    lastUpdate: spec.lastUpdate ?? 100n,
    blockAtRegistration: spec.blockAtRegistration ?? 1n,
    validatorPermit: spec.validatorPermit ?? false,
    weights: spec.weights ?? [],
    bonds: spec.bonds ?? [],
  };
}

export function epochInput(
  neurons: NeuronInput[],
  params: Partial<YumaParams> = {},
  extra: Partial<YumaInput> = {},
): YumaInput {
  return {
    block: 101n,
    tempo: 10n,
    lastEpochBlock: 0n,
    activityCutoff: 5_000n,
    params: { ...DEFAULT_PARAMS, ...params },
    emission: 1_000_000_000n,
    neurons,
    ...extra,
  };
}

/** The conformance vectors (a copy of /work/shared/spec/yuma-vectors.jsonl). */
export interface VectorRecord {
  input: Record<string, unknown>;
  expected: Record<string, unknown>;
}

export function loadVectors(): VectorRecord[] {
  const text = readFileSync(new URL("./yuma-vectors.jsonl", import.meta.url), "utf8");
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as VectorRecord);
}

export function sumOf(xs: readonly bigint[]): bigint {
  return xs.reduce((a, b) => a + b, 0n);
}
