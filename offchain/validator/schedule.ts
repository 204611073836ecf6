/**
 * What the validator should do now, as pure functions of (current slot, epoch bounds, reveal period, rate
 * limit, permit, store state). No I/O: the service reads the inputs, calls `decide`, and executes `due`.
 *
 * Rules (SYSTEM.md §2.4–2.5, subtensor-reference.md §6.2):
 * - commit: once per epoch e, once `commitAfterSlots` slots of it have passed and not within the last
 *   `commitGuardSlots` slots (a commit that lands in epoch e+1 would shift its reveal window);
 *   refused while rate-limited (next allowed slot = lastUpdate + rateLimit), without a permit (stake
 *   needed), with `maxPending` commits outstanding, or with no positive scores.
 *   With commit-reveal off the same timing gives `setWeights`.
 * - a commit recorded as `intent` (crash between recording and sending): `recoverCommit` (look the hash up on
 *   chain; resend with the same salt while still in its epoch and before its last `commitGuardSlots`, else
 *   expire once its epoch is over); `sent`: `confirmCommit` (same resend rule); `revealing`: `confirmReveal`.
 * - reveal: a committed commit that the chain recorded in epoch c (`commitEpoch`: the epoch of the block it
 *   landed in, which may be later than the epoch it was made for) is revealed in epoch c + revealPeriod; after
 *   that it is expired. While commit-reveal is off, or the commit's version key is below the subnet's (raised
 *   since), the reveal is held (the contract would refuse it) until its window passes; neither kind is resent.
 *   No commit is resent once another one landed in this epoch.
 * - refused with a reason when no slot of an epoch is left to commit in (commitAfterSlots + commitGuardSlots ≥
 *   tempo), or when the weight vector cannot pass the subnet's rules (`weightsProblem`).
 * - settle: each closed epoch (close ≤ slot) from the first one not yet submitted, at most `maxBacklog` back,
 *   with a permit (or with stake once Settlement widened the voters: `Permit.votersWidened`); `claim` once
 *   finalised, `checkSettlement` while submitted.
 * - coinbase: when `coinbaseInterval` slots have passed since the last minted slot.
 */
import type { CommitStatus, SettlementStatus } from "../store/validatorStore.js";
import { formatAlpha } from "../util/rao.js";

export interface EpochInfo {
  /** The epoch containing the current slot. */
  epoch: number;
  /** Its first slot. */
  start: number;
  /** Its closing slot (first slot of the next epoch): start + tempo. */
  close: number;
}

export interface Permit {
  has: boolean;
  /** The validator's stake weight (rao). */
  stake: bigint;
  /** Stake weight needed for a permit (see stakeNeededForPermit). */
  needed: bigint;
  /** Whether the hotkey holds a uid on the subnet (absent: taken as registered). */
  registered?: boolean;
  /**
   * Whether the subnet's next opened epoch takes votes from every uid with stake, permit or not (Settlement widens
   * its voters once `widenAfterMissed` epochs in a row rolled over, while the latest permits stand disproved, or
   * when one of their uids changed hands since their close): settling is then worth it with any stake.
   */
  votersWidened?: boolean;
  /**
   * Whether the subnet has no finalised epoch yet: until it has, only the owner's hotkey holds a permit and the
   * owner alone settles (SYSTEM.md §2.5), whatever the stake. It only words the no-permit refusal, so the chain
   * port reads it only for a hotkey without a permit (false for one with).
   */
  bootstrap?: boolean;
}

export interface ScheduleInput {
  netuid: number;
  slot: number;
  epoch: EpochInfo;
  commitReveal: boolean;
  /** Epochs between commit and reveal (1..100). */
  revealPeriod: number;
  /** Weights rate limit in slots (applies to commits under commit-reveal). */
  rateLimit: number;
  /** Slot of the validator's last commit / setWeights on chain; undefined or 0 if never. */
  lastUpdate?: number;
  permit: Permit;
  /** Whether the validator has positive scores to commit. */
  hasWeights: boolean;
  /** Why the weight vector cannot pass the subnet's rules (minAllowedWeights, maxWeightLimit), if it cannot. */
  weightsProblem?: string;
  /**
   * The validator's commits on this subnet from the store (any status): `epoch` is the epoch each was made for,
   * `commitEpoch` the one the chain recorded it in (once confirmed; it decides the reveal epoch).
   */
  commits: readonly {
    id: number;
    epoch: number;
    status: CommitStatus;
    commitEpoch?: number | null;
    /** The version key the commit's hash was made with (its reveal must carry it). */
    versionKey?: bigint;
  }[];
  /** The subnet's weights version key: a reveal with a lower one is refused (VersionKeyTooLow). */
  versionKey?: bigint;
  /** Settlements from the store. */
  settlements: readonly { epoch: number; status: SettlementStatus }[];
  /** The first epoch worth settling (e.g. the epoch containing the subnet's emission start). */
  firstEpoch: number;
  /** Slot up to which emission is minted (IEmission.lastMintedSlot). */
  lastMintedSlot: number;
  options?: Partial<ScheduleOptions>;
}

export interface ScheduleOptions {
  commitAfterSlots: number;
  commitGuardSlots: number;
  maxPending: number;
  maxBacklog: number;
  coinbaseInterval: number;
}

export const DEFAULT_SCHEDULE_OPTIONS: Readonly<ScheduleOptions> = {
  commitAfterSlots: 0,
  commitGuardSlots: 10,
  maxPending: 10,
  maxBacklog: 8,
  coinbaseInterval: 25,
};

export type Action =
  | { kind: "commit"; netuid: number; epoch: number }
  | { kind: "setWeights"; netuid: number; epoch: number }
  /**
   * `resendable`: still in the commit's epoch and before its last `commitGuardSlots` (a resend landing in the
   * next epoch would move its reveal window); `epochOver`: the commit's epoch has ended.
   */
  | {
      kind: "recoverCommit";
      netuid: number;
      commitId: number;
      epoch: number;
      resendable: boolean;
      epochOver: boolean;
    }
  | { kind: "confirmCommit"; netuid: number; commitId: number; resendable: boolean; epochOver: boolean }
  | { kind: "reveal"; netuid: number; commitId: number; epoch: number }
  | { kind: "confirmReveal"; netuid: number; commitId: number }
  | { kind: "expire"; netuid: number; commitId: number; epoch: number; reason: string }
  | { kind: "settle"; netuid: number; epoch: number }
  | { kind: "checkSettlement"; netuid: number; epoch: number }
  | { kind: "claim"; netuid: number; epoch: number }
  | { kind: "coinbase" };

export type Refusal = { action: "commit" | "setWeights" | "settle"; netuid: number; message: string } & (
  | { reason: "rate-limited"; nextAllowedSlot: number }
  | { reason: "no-permit"; stake: bigint; stakeNeeded: bigint; registered: boolean }
  | { reason: "too-many-pending"; pending: number; max: number }
  | { reason: "no-scores" }
  | { reason: "no-commit-window"; commitAfterSlots: number; commitGuardSlots: number; tempo: number }
  | { reason: "invalid-weights" }
);

export type Waiting =
  | { action: "commit" | "setWeights"; netuid: number; epoch: number; fromSlot: number; message: string }
  | { action: "reveal"; netuid: number; commitId: number; opensAtSlot: number; message: string };

export interface Schedule {
  due: Action[];
  refused: Refusal[];
  waiting: Waiting[];
}

const SETTLED: readonly SettlementStatus[] = ["submitted", "finalised", "claimed"];

export function decide(input: ScheduleInput): Schedule {
  const o = { ...DEFAULT_SCHEDULE_OPTIONS, ...(input.options ?? {}) };
  const { netuid, slot, epoch } = input;
  const tempo = epoch.close - epoch.start;
  if (!(tempo > 0) || slot < epoch.start || slot >= epoch.close) {
    throw new RangeError(`schedule: slot ${slot} is not inside epoch ${epoch.epoch} [${epoch.start}, ${epoch.close})`);
  }
  if (!(input.revealPeriod >= 1)) throw new RangeError(`schedule: revealPeriod ${input.revealPeriod} must be ≥ 1`);
  const due: Action[] = [];
  const refused: Refusal[] = [];
  const waiting: Waiting[] = [];

  const from = epoch.start + o.commitAfterSlots;
  const until = epoch.close - o.commitGuardSlots;

  // ---- commits already recorded
  let outstanding = 0;
  // Another commit already landed in this epoch (made for an earlier one, late): a resend would be a second.
  const landedHere = (id: number) => input.commits.some((o) => o.id !== id && o.commitEpoch === epoch.epoch);
  for (const c of input.commits) {
    const revealEpoch = (c.commitEpoch ?? c.epoch) + input.revealPeriod;
    const expired = epoch.epoch > revealEpoch;
    // Raised after the commit: its reveal (which must carry the committed key) can never pass.
    const staleKey =
      c.versionKey !== undefined && input.versionKey !== undefined && c.versionKey < input.versionKey
        ? `the subnet's weights version key was raised to ${input.versionKey} after the commit (made with ` +
          `${c.versionKey}): its reveal would revert VersionKeyTooLow`
        : undefined;
    // A commit should land in its own epoch: (re)sent only inside it, and not in its last commitGuardSlots; never
    // while commit-reveal is off (the contract refuses commits), with a version key its reveal cannot pass, or
    // when another commit already landed in this epoch.
    const resend = {
      resendable:
        epoch.epoch === c.epoch && slot < until && input.commitReveal && staleKey === undefined && !landedHere(c.id),
      epochOver: epoch.epoch > c.epoch,
    };
    switch (c.status) {
      case "intent":
        // Past its epoch, the intent can only be checked on chain and expired.
        due.push({ kind: "recoverCommit", netuid, commitId: c.id, epoch: c.epoch, ...resend });
        outstanding++;
        break;
      case "sent":
        due.push({ kind: "confirmCommit", netuid, commitId: c.id, ...resend });
        outstanding++;
        break;
      case "committed":
        if (expired) {
          due.push({
            kind: "expire",
            netuid,
            commitId: c.id,
            epoch: c.epoch,
            reason:
              `reveal window (epoch ${revealEpoch}) passed` +
              (staleKey !== undefined ? ` (held unrevealed: ${staleKey})` : ""),
          });
        } else if (epoch.epoch === revealEpoch && staleKey !== undefined) {
          // Held, not expired: the key may be lowered again inside the window (the commit costs nothing on chain).
          waiting.push({
            action: "reveal",
            netuid,
            commitId: c.id,
            opensAtSlot: slot + 1,
            message: `reveal of epoch ${c.epoch}'s commit held: ${staleKey} (its window closes at slot ${epoch.close})`,
          });
          outstanding++;
        } else if (epoch.epoch === revealEpoch && !input.commitReveal) {
          // Turned off after the commit: the contract refuses reveals (CommitRevealDisabled) until it is on again.
          waiting.push({
            action: "reveal",
            netuid,
            commitId: c.id,
            opensAtSlot: slot + 1,
            message:
              `commit-reveal is off on netuid ${netuid}: the reveal of epoch ${c.epoch}'s commit waits for it to be ` +
              `turned on again (its window closes at slot ${epoch.close})`,
          });
          outstanding++;
        } else if (epoch.epoch === revealEpoch) {
          due.push({ kind: "reveal", netuid, commitId: c.id, epoch: c.epoch });
          outstanding++;
        } else {
          const opensAtSlot = epoch.start + (revealEpoch - epoch.epoch) * tempo;
          waiting.push({
            action: "reveal",
            netuid,
            commitId: c.id,
            opensAtSlot,
            message: `commit of epoch ${c.epoch} reveals in epoch ${revealEpoch} (from slot ${opensAtSlot})`,
          });
          outstanding++;
        }
        break;
      case "revealing":
        due.push({ kind: "confirmReveal", netuid, commitId: c.id });
        outstanding++;
        break;
      default:
        break;
    }
  }

  // ---- this epoch's weights
  const action = input.commitReveal ? "commit" : "setWeights";
  const doneThisEpoch = input.commitReveal
    ? input.commits.some((c) => c.epoch === epoch.epoch || c.commitEpoch === epoch.epoch)
    : input.lastUpdate !== undefined && input.lastUpdate > 0 && input.lastUpdate >= epoch.start;
  if (!doneThisEpoch) {
    const nextAllowed = input.lastUpdate ? input.lastUpdate + input.rateLimit : 0;
    if (from >= until) {
      refused.push({
        action,
        netuid,
        reason: "no-commit-window",
        commitAfterSlots: o.commitAfterSlots,
        commitGuardSlots: o.commitGuardSlots,
        tempo,
        message:
          `commitAfterSlots ${o.commitAfterSlots} + commitGuardSlots ${o.commitGuardSlots} ≥ tempo ${tempo} of ` +
          `netuid ${netuid}: no slot of an epoch is left to ${action === "commit" ? "commit" : "set weights"} in; ` +
          `lower them in the validator config so their sum is below ${tempo}`,
      });
    } else if (slot < from) {
      waiting.push({
        action,
        netuid,
        epoch: epoch.epoch,
        fromSlot: from,
        message: `${action} for epoch ${epoch.epoch} from slot ${from}`,
      });
    } else if (slot >= until) {
      waiting.push({
        action,
        netuid,
        epoch: epoch.epoch + 1,
        fromSlot: epoch.close + o.commitAfterSlots,
        message: `too close to the end of epoch ${epoch.epoch} (closes at slot ${epoch.close}); ${action} in epoch ${epoch.epoch + 1}`,
      });
    } else if (!input.permit.has) {
      refused.push(noPermit(action, netuid, input.permit));
    } else if (slot < nextAllowed) {
      refused.push({
        action,
        netuid,
        reason: "rate-limited",
        nextAllowedSlot: nextAllowed,
        message: `weights rate limit: last update at slot ${input.lastUpdate}, limit ${input.rateLimit} slots; next allowed at slot ${nextAllowed}`,
      });
    } else if (input.commitReveal && outstanding >= o.maxPending) {
      refused.push({
        action,
        netuid,
        reason: "too-many-pending",
        pending: outstanding,
        max: o.maxPending,
        message: `${outstanding} commits outstanding (max ${o.maxPending}); waiting for reveals or expiry`,
      });
    } else if (!input.hasWeights) {
      refused.push({
        action,
        netuid,
        reason: "no-scores",
        message: "no miner has a positive score yet; nothing to commit",
      });
    } else if (input.weightsProblem !== undefined) {
      refused.push({
        action,
        netuid,
        reason: "invalid-weights",
        message: `no ${action} sent: the weight vector cannot pass netuid ${netuid}'s rules: ${input.weightsProblem}`,
      });
    } else {
      due.push({ kind: action, netuid, epoch: epoch.epoch });
    }
  }

  // ---- settlement of closed epochs
  const status = new Map(input.settlements.map((s) => [s.epoch, s.status]));
  const firstOpen = Math.max(input.firstEpoch, epoch.epoch - o.maxBacklog);
  let settleRefused = false;
  const mayVote = input.permit.has || (input.permit.votersWidened === true && input.permit.stake > 0n);
  for (let e = firstOpen; e < epoch.epoch; e++) {
    const st = status.get(e);
    if (st === undefined || st === "computed") {
      if (!mayVote) {
        if (!settleRefused) refused.push(noPermit("settle", netuid, input.permit));
        settleRefused = true;
        continue;
      }
      due.push({ kind: "settle", netuid, epoch: e });
    } else if (st === "submitted") {
      due.push({ kind: "checkSettlement", netuid, epoch: e });
    } else if (st === "finalised") {
      due.push({ kind: "claim", netuid, epoch: e });
    }
  }
  // Epochs older than the backlog window that were submitted but never finalised are still followed.
  for (const s of input.settlements) {
    if (s.epoch >= firstOpen || !SETTLED.includes(s.status)) continue;
    if (s.status === "submitted") due.push({ kind: "checkSettlement", netuid, epoch: s.epoch });
    if (s.status === "finalised") due.push({ kind: "claim", netuid, epoch: s.epoch });
  }

  // ---- coinbase
  const interval = o.coinbaseInterval;
  if (interval > 0 && slot - input.lastMintedSlot >= interval) due.push({ kind: "coinbase" });

  return { due, refused, waiting };
}

function noPermit(action: Refusal["action"], netuid: number, p: Permit): Refusal {
  const missing = p.needed > p.stake ? p.needed - p.stake : 0n;
  const common = {
    action,
    netuid,
    reason: "no-permit" as const,
    stake: p.stake,
    stakeNeeded: p.needed,
    registered: p.registered !== false,
  };
  if (p.registered === false) {
    return {
      ...common,
      message:
        `this hotkey is not registered on netuid ${netuid}: register it (\`tao subnet register --netuid ${netuid} ` +
        "--wallet <name> --hotkey <name>`), then stake to it: validator permits go to the top hotkeys by stake " +
        "weight at each settled epoch",
    };
  }
  if (p.bootstrap === true) {
    return {
      ...common,
      message:
        `no validator permit on netuid ${netuid}: no epoch of it is settled yet, and until one is only the subnet ` +
        "owner's hotkey holds a permit and settles: a validator on the owner's hotkey must run for the first epoch " +
        `to settle; permits then go to the top hotkeys by stake weight (this one's ${formatAlpha(p.stake)}, ` +
        `a permit needs ${formatAlpha(p.needed)})`,
    };
  }
  return {
    ...common,
    message:
      `no validator permit on netuid ${netuid}: stake weight ${formatAlpha(p.stake)}, a permit needs ${formatAlpha(p.needed)}` +
      (missing > 0n
        ? ` (${formatAlpha(missing)} more: \`tao stake add --netuid ${netuid}\`); permits are recomputed at each settled epoch`
        : "; enough: the permit comes with the next settled epoch"),
  };
}

/**
 * Stake weight needed for a permit: permits go to the top `maxValidators` uids by stake weight (ties: higher
 * uid wins, subtensor's stable sort). With fewer than `maxValidators` other uids any stake > 0 qualifies;
 * otherwise it takes one more than the `maxValidators`-th largest stake among the other uids.
 */
export function stakeNeededForPermit(otherStakes: readonly bigint[], maxValidators: number): bigint {
  if (!(Number.isInteger(maxValidators) && maxValidators > 0))
    throw new RangeError(`maxValidators ${maxValidators} must be > 0`);
  if (otherStakes.length < maxValidators) return 1n;
  const sorted = [...otherStakes].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
  return (sorted[maxValidators - 1] as bigint) + 1n;
}
