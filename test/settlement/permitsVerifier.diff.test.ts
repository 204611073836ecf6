/**
 * Differential test: the permits fraud proof's checks, Solidity (PermitsVerifier against the settlement mocks)
 * against the TypeScript mirror the epoch worker and `tao epoch challenge-permits` use to find a challenge
 * (offchain/epoch/permitsChallenge.ts), on random subnets: every (excluded, permitted) pair gets the same verdict
 * (the error's name, or the same accepted challenge), and a pair the finder proposes is one the chain accepts.
 * Honest top-k sets (Yuma's rule: k largest normalised stakes, ties losing the lower uid, plus the owner's uid)
 * get no accepted pair on either side.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { BaseError, ContractFunctionRevertedError, getAddress, type Address } from "viem";
import {
  findPermitsChallenge,
  judgePermitsChallenge,
  type PermitsChallengeInput,
  type PermitsUid,
} from "../../offchain/epoch/permitsChallenge.js";
import { Rng } from "../support/rng.js";

const SEED = BigInt(process.env.PERMITS_DIFF_SEED ?? "20261207");
const CASES = 60;
const CLOSE = 1_000n;
const show = (v: unknown) => JSON.stringify(v, (_, x: unknown) => (typeof x === "bigint" ? x.toString() : x));

/** Yuma's permits on these stakes: the k largest floor(x * 2^32 / S) that are non-zero, a tie losing the lower
 * uid, plus uid 0 (the owner's). */
function honestBitmap(stakes: readonly bigint[], k: number): bigint {
  const total = stakes.reduce((a, b) => a + b, 0n);
  const norm = stakes.map((x) => (total === 0n ? 0n : (x << 32n) / total));
  const ranked = norm
    .map((n, uid) => ({ n, uid }))
    .filter((r) => r.n > 0n)
    .sort((a, b) => (a.n === b.n ? b.uid - a.uid : a.n > b.n ? -1 : 1));
  let bitmap = 1n; // the owner's uid
  for (const r of ranked.slice(0, k)) bitmap |= 1n << BigInt(r.uid);
  return bitmap;
}

describe(`permits challenge: PermitsVerifier vs the TypeScript mirror (seed ${SEED})`, async () => {
  const { viem } = await network.create();
  const registry = await viem.deployContract("MockRegistryForSettlement");
  const staking = await viem.deployContract("MockStakingForSettlement", [false]);
  const verifier = await viem.deployContract("PermitsVerifier", [registry.address, staking.address]);
  const rng = new Rng(SEED);

  /** Sets up subnet `netuid` as `uids` describes (uid 0 the owner's hotkey) and returns its hotkeys. */
  async function subnet(netuid: number, uids: readonly PermitsUid[]): Promise<Address[]> {
    const hotkeys = uids.map((_, uid) => getAddress(`0x${(netuid * 1000 + uid + 1).toString(16).padStart(40, "0")}`));
    await registry.write.createSubnet([netuid, hotkeys[0]!, hotkeys[0]!, 100, 0n]);
    for (const [uid, u] of uids.entries()) {
      const registered = u.registeredAfterClose ? CLOSE + 5n : rng.between(0n, CLOSE);
      await registry.write.setNeuron([netuid, uid, hotkeys[uid]!, registered]);
      if (u.stake > 0n) await staking.write.setStakeWeight([netuid, hotkeys[uid]!, 0, u.stake]);
    }
    return hotkeys;
  }

  /** The chain's verdict on a pair: "ok" with both stakes, or the custom error's name. */
  async function onChain(
    netuid: number,
    bitmap: bigint,
    x: number,
    p: number,
  ): Promise<{ ok: readonly [bigint, bigint] } | { error: string }> {
    try {
      const [xs, ps] = await verifier.read.verify([netuid, bitmap, CLOSE, x, p]);
      return { ok: [xs, ps] as const };
    } catch (err) {
      const reverted =
        err instanceof BaseError ? err.walk((e) => e instanceof ContractFunctionRevertedError) : undefined;
      if (reverted instanceof ContractFunctionRevertedError && reverted.data?.errorName)
        return { error: reverted.data.errorName };
      throw err;
    }
  }

  /** A random stake: often tied with, or at the margin of, one already drawn. */
  function stakeNear(drawn: readonly bigint[]): bigint {
    const base = drawn.length > 0 && rng.bool() ? drawn[rng.int(0, drawn.length - 1)]! : 0n;
    if (base > 0n) {
      const choice = rng.int(0, 4);
      if (choice === 0) return base;
      if (choice === 1) return base + base / 1000n + 1n; // just outranks a higher uid
      if (choice === 2) return base + base / 1000n; // one short of it
      if (choice === 3) return 2n * base + base / 1000n + 1n; // just outranks a lower uid
      return 2n * base + base / 1000n;
    }
    return rng.int(0, 5) === 0 ? 0n : rng.logBetween(1n, 10n ** 15n);
  }

  it("gives every pair the same verdict on random subnets, honest and not", async () => {
    let accepted = 0;
    let refusedOutrank = 0;
    let honestCases = 0;
    for (let c = 0; c < CASES; c++) {
      const netuid = c + 1;
      const n = rng.int(2, 9);
      const k = rng.int(1, n);
      const stakes: bigint[] = [];
      const uids: PermitsUid[] = [];
      for (let uid = 0; uid < n; uid++) {
        const stake = uid === 0 && rng.bool() ? 0n : stakeNear(stakes);
        stakes.push(stake);
        uids.push({ registeredAfterClose: uid > 0 && rng.int(0, 9) === 0, stake, isOwner: uid === 0 });
      }
      const honest = c % 3 === 0 && uids.every((u) => !u.registeredAfterClose);
      let bitmap = honestBitmap(stakes, k);
      if (!honest) {
        // Perturb: grant the owner's uid alone, flip random bits, or leave out one of the top-k (whose stake is
        // then often at a margin of a permitted one's) and grant another uid in its place.
        const mode = rng.int(0, 3);
        if (mode === 0) bitmap = 1n;
        else if (mode === 1)
          for (let i = 0; i < 2; i++) {
            const uid = BigInt(rng.int(0, n - 1));
            bitmap ^= 1n << uid;
          }
        else {
          const permitted = [...Array(n).keys()].filter((u) => u > 0 && ((bitmap >> BigInt(u)) & 1n) === 1n);
          const others = [...Array(n).keys()].filter((u) => ((bitmap >> BigInt(u)) & 1n) === 0n);
          if (permitted.length > 0) bitmap ^= 1n << BigInt(permitted[rng.int(0, permitted.length - 1)]!);
          if (others.length > 0) bitmap |= 1n << BigInt(others[rng.int(0, others.length - 1)]!);
        }
        if (bitmap === 0n) bitmap = 1n;
      } else honestCases++;
      await registry.write.setMaxValidators([k]);
      await subnet(netuid, uids);
      const input: PermitsChallengeInput = { bitmap, uids, maxValidators: k };
      for (let x = 0; x < n; x++) {
        for (let p = 0; p < n; p++) {
          const chain = await onChain(netuid, bitmap, x, p);
          const ours = judgePermitsChallenge(input, x, p);
          const ctx = `case ${c} (n=${n} k=${k} bitmap=${bitmap.toString(2)} stakes=${stakes.join(",")}) pair ${x},${p}`;
          if ("ok" in chain) {
            assert.ok("ok" in ours, `${ctx}: the chain accepts, the mirror says ${show(ours)}`);
            assert.equal(ours.ok.excludedStake, chain.ok[0], ctx);
            accepted++;
            if (honest) assert.fail(`${ctx}: an honest set was disproved`);
          } else {
            assert.ok("error" in ours, `${ctx}: the chain refuses (${chain.error}), the mirror accepts`);
            assert.equal(ours.error, chain.error, ctx);
            if (chain.error === "PermitsNotDisproved") refusedOutrank++;
          }
        }
      }
      const found = findPermitsChallenge(input);
      if (found !== undefined) {
        const chain = await onChain(netuid, bitmap, found.excludedUid, found.permittedUid);
        assert.ok("ok" in chain, `case ${c}: the finder's pair ${found.excludedUid},${found.permittedUid} is refused`);
      }
    }
    assert.ok(accepted > 20, `enough accepted challenges exercised (${accepted})`);
    assert.ok(refusedOutrank > 20, `enough refused ones (${refusedOutrank})`);
    assert.ok(honestCases >= 5, `enough honest sets (${honestCases})`);
  });

  it("finds the audit's entrenchment: the owner's uid alone, a validator with stake left out", async () => {
    const uids: PermitsUid[] = [
      { registeredAfterClose: false, stake: 0n, isOwner: true },
      { registeredAfterClose: false, stake: 600n * 10n ** 9n, isOwner: false },
      { registeredAfterClose: false, stake: 300n * 10n ** 9n, isOwner: false },
    ];
    await registry.write.setMaxValidators([64]);
    await subnet(200, uids);
    const found = findPermitsChallenge({ bitmap: 1n, uids, maxValidators: 64 });
    assert.deepEqual(found, {
      way: "unfilled",
      excludedUid: 1,
      permittedUid: 0,
      excludedStake: 600n * 10n ** 9n,
      permits: 0,
    });
    assert.ok("ok" in (await onChain(200, 1n, 1, 0)));
    // Granting both validators as well leaves nothing to prove.
    assert.equal(findPermitsChallenge({ bitmap: 0b111n, uids, maxValidators: 64 }), undefined);
  });
});
