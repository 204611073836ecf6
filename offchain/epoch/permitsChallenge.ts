/**
 * Finding a fraud proof against a subnet's finalised permits (`Settlement.challengePermits`): the pair of uids
 * the PermitsVerifier accepts when the finalised `permitsBitmap` is provably not Yuma's top-k. The rules mirror
 * contracts/PermitsVerifier.sol exactly (its NatSpec, ISettlement.challengePermits, gives the reasoning); the
 * chain is the judge: a sender simulates the pair before sending it. Integer only.
 */
import { getAddress, type Address, type PublicClient } from "viem";
import { settlementAbi, stakingHooksAbi, subnetRegistryViewAbi } from "../abi/index.js";

/** One uid as the verifier reads it now: its occupant, and that occupant's stake weight at the permits' close. */
export interface PermitsUid {
  /** The occupant registered after the permits' close (the verifier refuses such a uid either way). */
  registeredAfterClose: boolean;
  /** `stakeWeightAt(netuid, hotkey, close)` of the occupant (0 for a vacant uid). */
  stake: bigint;
  /** Whether the occupant is the subnet owner's hotkey (nothing outranks it). */
  isOwner: boolean;
}

export interface PermitsChallengeInput {
  /** The latest finalised permits. */
  bitmap: bigint;
  /** By uid (index), every uid of the subnet. */
  uids: readonly PermitsUid[];
  /** maxValidators (k) now. */
  maxValidators: number;
}

export type PermitsChallenge =
  | { way: "outranked"; excludedUid: number; permittedUid: number; excludedStake: bigint; permittedStake: bigint }
  | { way: "unfilled"; excludedUid: number; permittedUid: number; excludedStake: bigint; permits: number };

const has = (bitmap: bigint, uid: number) => ((bitmap >> BigInt(uid)) & 1n) === 1n;

/** A uid beyond the subnet's neurons reads as vacant: no hotkey, no stake. */
const VACANT: PermitsUid = { registeredAfterClose: false, stake: 0n, isOwner: false };

/**
 * The stake an excluded uid `x` needs to outrank permitted uid `p` (verifier: x >= outrank): undefined when
 * nothing outranks it (uid 0, or the owner's hotkey).
 */
function outrankStake(excludedUid: number, permittedUid: number, p: bigint, permittedIsOwner: boolean) {
  if (permittedUid === 0 || permittedIsOwner) return undefined;
  return (excludedUid > permittedUid ? p : 2n * p) + p / 1000n + 1n;
}

/** The verifier's verdict on one pair: the challenge it accepts, or the name of the error it reverts with. */
export type PermitsVerdict = { ok: PermitsChallenge } | { error: PermitsRefusal };
export type PermitsRefusal =
  | "UidOutOfRange"
  | "ExcludedUidPermitted"
  | "PermittedUidNotPermitted"
  | "UidNotHeldSincePermits"
  | "NoStakeAtPermits"
  | "PermitsNotDisproved";

/** What `PermitsVerifier.verify` decides for (`excludedUid`, `permittedUid`), check by check in its order. */
export function judgePermitsChallenge(
  input: PermitsChallengeInput,
  excludedUid: number,
  permittedUid: number,
): PermitsVerdict {
  const { bitmap, maxValidators } = input;
  const at = (uid: number): PermitsUid => input.uids[uid] ?? VACANT;
  if (excludedUid > 255 || permittedUid > 255) return { error: "UidOutOfRange" };
  if (has(bitmap, excludedUid)) return { error: "ExcludedUidPermitted" };
  if (!has(bitmap, permittedUid)) return { error: "PermittedUidNotPermitted" };
  const X = at(excludedUid);
  if (X.registeredAfterClose) return { error: "UidNotHeldSincePermits" };
  if (X.stake === 0n) return { error: "NoStakeAtPermits" };
  const P = at(permittedUid);
  if (P.registeredAfterClose) return { error: "UidNotHeldSincePermits" };
  const x = X.stake;
  const need = outrankStake(excludedUid, permittedUid, P.stake, P.isOwner);
  if (need !== undefined && x >= need) {
    return { ok: { way: "outranked", excludedUid, permittedUid, excludedStake: x, permittedStake: P.stake } };
  }
  // Unfilled: fewer than k bits (uid 0's not counted without stake), each bit's occupant held since the close,
  // and the excluded stake above their sum / 2^24. The verifier reads the bits highest first.
  let count = 0;
  for (let uid = 0; uid < 256; uid++) if (has(bitmap, uid)) count++;
  if (count <= maxValidators) {
    let sum = 0n;
    for (let uid = 255; uid >= 0; uid--) {
      if (!has(bitmap, uid)) continue;
      const u = at(uid);
      if (u.registeredAfterClose) return { error: "UidNotHeldSincePermits" };
      if (uid === 0 && u.stake === 0n) count--;
      sum += u.stake;
    }
    if (count < maxValidators && x > sum >> 24n) {
      return { ok: { way: "unfilled", excludedUid, permittedUid, excludedStake: x, permits: count } };
    }
  }
  return { error: "PermitsNotDisproved" };
}

/**
 * A challenge the verifier accepts against `input.bitmap`, or undefined when there is none (an honest set, or a
 * deviation within the margins). Tries the excluded uids largest stake first, against every permitted uid.
 */
export function findPermitsChallenge(input: PermitsChallengeInput): PermitsChallenge | undefined {
  const { bitmap, uids } = input;
  if (uids.length > 256) throw new RangeError(`${uids.length} uids: a bitmap holds at most 256`);
  const excluded = uids
    .map((u, uid) => ({ uid, ...u }))
    .filter((u) => !has(bitmap, u.uid) && !u.registeredAfterClose && u.stake > 0n)
    .sort((a, b) => (a.stake === b.stake ? a.uid - b.uid : a.stake > b.stake ? -1 : 1));
  const permitted: number[] = [];
  for (let uid = 0; uid < 256; uid++) if (has(bitmap, uid)) permitted.push(uid);
  for (const x of excluded) {
    for (const p of permitted) {
      const verdict = judgePermitsChallenge(input, x.uid, p);
      if ("ok" in verdict) return verdict.ok;
    }
  }
  return undefined;
}

/** The settlement's latest finalised permits of `netuid`: undefined before the first finalisation. */
export interface FinalisedPermits {
  epoch: bigint;
  close: bigint;
  bitmap: bigint;
  disproved: boolean;
}

export interface PermitsContracts {
  SubnetRegistry: Address;
  Staking: Address;
  Settlement: Address;
}

/** Reads pinned to one block (a finalisation between two reads would mix two epochs' permits). */
export interface AtBlock {
  blockNumber?: bigint;
}

export async function readFinalisedPermits(
  client: PublicClient,
  contracts: PermitsContracts,
  netuid: number,
  at: AtBlock = {},
): Promise<FinalisedPermits | undefined> {
  const settlement = { address: contracts.Settlement, abi: settlementAbi, ...at } as const;
  const [[finalised, epoch, close], [bitmap], disproved] = await Promise.all([
    client.readContract({ ...settlement, functionName: "latestFinalised", args: [netuid] }),
    client.readContract({ ...settlement, functionName: "permits", args: [netuid] }),
    client.readContract({ ...settlement, functionName: "permitsDisproved", args: [netuid] }),
  ]);
  return finalised ? { epoch, close, bitmap, disproved } : undefined;
}

/**
 * Reads what the verifier reads now (occupants, their registration slots, their stake at `close`). With
 * `closeBlock` (the permits' closing block), k is the smaller of maxValidators now (what the verifier reads) and at
 * the close (what Yuma ranked with): a set that only looks unfilled because governance raised k since is honest,
 * and a challenge of it would widen an honest subnet's next epoch, so none is found for it.
 */
export async function readPermitsChallengeInput(
  client: PublicClient,
  contracts: PermitsContracts,
  netuid: number,
  permits: FinalisedPermits,
  at: AtBlock = {},
  closeBlock?: bigint,
): Promise<PermitsChallengeInput> {
  const registry = { address: contracts.SubnetRegistry, abi: subnetRegistryViewAbi, ...at } as const;
  const [count, owner, hp, hpAtClose] = await Promise.all([
    client.readContract({ ...registry, functionName: "neuronCount", args: [netuid] }),
    client.readContract({ ...registry, functionName: "subnetOwner", args: [netuid] }),
    client.readContract({ ...registry, functionName: "hyperparams", args: [netuid] }),
    closeBlock === undefined
      ? undefined
      : client.readContract({ ...registry, functionName: "hyperparams", args: [netuid], blockNumber: closeBlock }),
  ]);
  const ownerHotkey = getAddress(owner[1]);
  const uids = await Promise.all(
    Array.from({ length: Number(count) }, async (_, uid): Promise<PermitsUid> => {
      const [hotkey, registered] = await Promise.all([
        client.readContract({ ...registry, functionName: "hotkeyAt", args: [netuid, uid] }),
        client.readContract({ ...registry, functionName: "registrationSlot", args: [netuid, uid] }),
      ]);
      if (BigInt(hotkey) === 0n) return { registeredAfterClose: false, stake: 0n, isOwner: false };
      const stake =
        registered > permits.close
          ? 0n
          : await client.readContract({
              address: contracts.Staking,
              abi: stakingHooksAbi,
              functionName: "stakeWeightAt",
              args: [netuid, hotkey, permits.close],
              ...at,
            });
      return { registeredAfterClose: registered > permits.close, stake, isOwner: getAddress(hotkey) === ownerHotkey };
    }),
  );
  const k = hpAtClose === undefined ? hp.maxValidators : Math.min(hp.maxValidators, hpAtClose.maxValidators);
  return { bitmap: permits.bitmap, uids, maxValidators: k };
}

/**
 * The latest finalised permits, read at the head's block, and that block: every further read of one check uses it
 * (a finalisation between two reads would pair one epoch's bitmap with another's close).
 */
export async function readLatestPermitsPinned(
  client: PublicClient,
  contracts: PermitsContracts,
  netuid: number,
): Promise<{ at: { blockNumber: bigint }; permits: FinalisedPermits | undefined }> {
  const at = { blockNumber: await client.getBlockNumber({ cacheTime: 0 }) };
  return { at, permits: await readFinalisedPermits(client, contracts, netuid, at) };
}

/** The challenge the verifier accepts against `permits` now (see readPermitsChallengeInput), or undefined. */
export async function findChallengeOf(
  client: PublicClient,
  contracts: PermitsContracts,
  netuid: number,
  permits: FinalisedPermits,
  at: AtBlock,
  closeBlock: bigint | undefined,
): Promise<PermitsChallenge | undefined> {
  return findPermitsChallenge(await readPermitsChallengeInput(client, contracts, netuid, permits, at, closeBlock));
}
