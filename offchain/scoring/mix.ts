/**
 * Task mix per subnet: the share of verifiable and open tasks (e.g. {verifiable: 0.8, open: 0.2}) and, within
 * verifiable, the share of each kind, turned into the integer kind weights `generateTask` draws with (parts
 * per million). Open tasks need a model on the validator: without one the open share is 0 and everything is
 * verifiable.
 */
import { DEFAULT_VERIFIABLE_WEIGHTS, type KindWeights } from "../tasks/generate.js";
import { VERIFIABLE_KINDS, type VerifiableKind } from "../tasks/task.js";

export interface TaskMix {
  verifiable: number;
  open: number;
  /** Relative weights of the verifiable kinds (default arithmetic 3, units 2, string 2, date 2). */
  kinds?: Partial<Record<VerifiableKind, number>>;
}

const PPM = 1_000_000;

export function kindWeights(mix: TaskMix, opts: { openEnabled: boolean }): KindWeights {
  const open = opts.openEnabled ? mix.open : 0;
  const total = mix.verifiable + open;
  if (!(mix.verifiable >= 0 && open >= 0 && total > 0)) {
    throw new RangeError(
      `task mix ${JSON.stringify(mix)} gives no tasks${opts.openEnabled ? "" : " (open tasks are off: no model configured)"}`,
    );
  }
  const kinds = { ...DEFAULT_VERIFIABLE_WEIGHTS, ...(mix.kinds ?? {}) };
  const kindTotal = VERIFIABLE_KINDS.reduce((a, k) => a + (kinds[k] ?? 0), 0);
  if (mix.verifiable > 0 && !(kindTotal > 0))
    throw new RangeError(`task mix kinds ${JSON.stringify(mix.kinds)} sum to 0`);
  const out: KindWeights = {};
  for (const k of VERIFIABLE_KINDS) {
    out[k] = kindTotal > 0 ? Math.round((PPM * mix.verifiable * (kinds[k] ?? 0)) / (total * kindTotal)) : 0;
  }
  out.open = Math.round((PPM * open) / total);
  return out;
}
