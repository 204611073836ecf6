import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decide, stakeNeededForPermit, type ScheduleInput } from "../../offchain/validator/schedule.js";

const TEMPO = 360;
/** Epoch 10 = slots [3600, 3960). */
function input(over: Partial<ScheduleInput> = {}): ScheduleInput {
  const slot = over.slot ?? 3700;
  const epoch = Math.floor(slot / TEMPO);
  return {
    netuid: 1,
    slot,
    epoch: { epoch, start: epoch * TEMPO, close: (epoch + 1) * TEMPO },
    commitReveal: true,
    revealPeriod: 1,
    rateLimit: 100,
    lastUpdate: undefined,
    permit: { has: true, stake: 5_000n, needed: 1_000n },
    hasWeights: true,
    commits: [],
    settlements: [],
    firstEpoch: 0,
    lastMintedSlot: slot,
    options: { maxBacklog: 0 },
    ...over,
  };
}
const kinds = (s: ReturnType<typeof decide>) => s.due.map((a) => a.kind);

describe("schedule: weights", () => {
  it("commits once per epoch", () => {
    assert.deepEqual(decide(input()).due, [{ kind: "commit", netuid: 1, epoch: 10 }]);
    const done = decide(input({ commits: [{ id: 1, epoch: 10, status: "sent" }] }));
    assert.deepEqual(kinds(done), ["confirmCommit"]);
  });

  it("holds a reveal while commit-reveal is off, and resends no commit then", () => {
    const committed = { id: 1, epoch: 9, status: "committed" as const, commitEpoch: 9 };
    const off = decide(input({ commitReveal: false, commits: [committed, { id: 2, epoch: 10, status: "intent" }] }));
    assert.deepEqual(off.due[0], {
      kind: "recoverCommit",
      netuid: 1,
      commitId: 2,
      epoch: 10,
      resendable: false,
      epochOver: false,
    });
    assert.ok(!kinds(off).includes("reveal"));
    assert.match(off.waiting.find((w) => w.action === "reveal")?.message ?? "", /commit-reveal is off on netuid 1/);
    assert.deepEqual(kinds(decide(input({ commits: [committed] }))), ["reveal", "commit"]);
  });

  it("holds the reveal of a commit made with a version key below the subnet's, and resends none", () => {
    const commits = [
      { id: 1, epoch: 9, status: "committed" as const, commitEpoch: 9, versionKey: 2n },
      { id: 2, epoch: 10, status: "sent" as const, versionKey: 2n },
    ];
    const s = decide(input({ versionKey: 3n, commits }));
    assert.deepEqual(s.due, [{ kind: "confirmCommit", netuid: 1, commitId: 2, resendable: false, epochOver: false }]);
    assert.match(s.waiting[0]?.message ?? "", /^reveal of epoch 9's commit held: the subnet's weights version key/);
    assert.deepEqual(kinds(decide(input({ versionKey: 2n, commits }))), ["reveal", "confirmCommit"]);
    const after = decide(input({ slot: 4000, versionKey: 3n, commits: [commits[0]!] }));
    assert.match(
      (after.due[0] as { reason?: string }).reason ?? "",
      /^reveal window \(epoch 10\) passed \(held unrevealed: the subnet's weights version key was raised to 3 after the commit \(made with 2\): its reveal would revert VersionKeyTooLow\)$/,
    );
  });

  it("resends no commit once another one landed in its epoch", () => {
    const commits = [
      { id: 1, epoch: 9, status: "committed" as const, commitEpoch: 10 },
      { id: 2, epoch: 10, status: "intent" as const },
    ];
    assert.deepEqual(decide(input({ commits })).due, [
      { kind: "recoverCommit", netuid: 1, commitId: 2, epoch: 10, resendable: false, epochOver: false },
    ]);
    assert.equal((decide(input({ commits: [commits[1]!] })).due[0] as { resendable?: boolean }).resendable, true);
  });

  it("waits for commitAfterSlots and avoids the end of the epoch", () => {
    const early = decide(input({ slot: 3610, options: { commitAfterSlots: 60, maxBacklog: 0 } }));
    const w = early.waiting[0];
    assert.ok(w && w.action === "commit");
    assert.deepEqual([early.due, w.fromSlot], [[], 3660]);
    const late = decide(input({ slot: 3955 }));
    assert.deepEqual(late.due, []);
    assert.match(
      late.waiting[0]?.message ?? "",
      /too close to the end of epoch 10 \(closes at slot 3960\); commit in epoch 11/,
    );
  });

  it("explains a rate limit with the slot when it is allowed", () => {
    const s = decide(input({ lastUpdate: 3650 }));
    assert.deepEqual(s.due, []);
    assert.equal(s.refused[0]?.reason, "rate-limited");
    assert.equal(s.refused[0]?.reason === "rate-limited" && s.refused[0].nextAllowedSlot, 3750);
    assert.match(s.refused[0]?.message ?? "", /next allowed at slot 3750/);
    assert.deepEqual(kinds(decide(input({ slot: 3750, lastUpdate: 3650 }))), ["commit"]);
  });

  it("explains a missing permit with the stake needed", () => {
    const s = decide(
      input({ permit: { has: false, stake: 400n, needed: 1_000n }, options: { maxBacklog: 2 }, firstEpoch: 0 }),
    );
    assert.deepEqual(s.due, []);
    const r = s.refused.find((x) => x.action === "commit");
    assert.ok(r && r.reason === "no-permit");
    assert.deepEqual([r.stake, r.stakeNeeded], [400n, 1_000n]);
    assert.match(
      r.message,
      /stake weight 0\.0000004 α, a permit needs 0\.000001 α \(0\.0000006 α more: `tao stake add --netuid 1`\)/,
    );
    const enough = decide(input({ permit: { has: false, stake: 1_000n, needed: 1_000n } })).refused[0];
    assert.match(enough?.message ?? "", /enough: the permit comes with the next settled epoch/);
    const unregistered = decide(input({ permit: { has: false, stake: 0n, needed: 1n, registered: false } }));
    assert.match(
      unregistered.refused[0]?.message ?? "",
      /this hotkey is not registered on netuid 1: register it \(`tao subnet register --netuid 1 /,
    );
    assert.equal(s.refused.filter((x) => x.action === "settle").length, 1, "one settle refusal, not one per epoch");
    // Before the subnet's first settled epoch only the owner's hotkey has a permit, whatever the stake.
    const bootstrap = decide(input({ permit: { has: false, stake: 1_000n, needed: 1_000n, bootstrap: true } }));
    assert.match(
      bootstrap.refused[0]?.message ?? "",
      /no epoch of it is settled yet, and until one is only the subnet owner's hotkey holds a permit and settles: a validator on the owner's hotkey must run/,
    );
  });

  it("settles without a permit once Settlement widened the voters, with stake; still commits nothing", () => {
    const widened = { has: false, stake: 400n, needed: 1_000n, votersWidened: true };
    const s = decide(input({ permit: widened, options: { maxBacklog: 2 }, firstEpoch: 0 }));
    assert.deepEqual(kinds(s), ["settle", "settle"]);
    assert.deepEqual(
      s.refused.map((r) => [r.action, r.reason]),
      [["commit", "no-permit"]],
    );
    const noStake = decide(input({ permit: { ...widened, stake: 0n }, options: { maxBacklog: 2 }, firstEpoch: 0 }));
    assert.deepEqual(kinds(noStake), []);
  });

  it("refuses with 10 commits outstanding, and with nothing to commit", () => {
    const commits = Array.from({ length: 10 }, (_, i) => ({ id: i, epoch: 0, status: "intent" as const }));
    const s = decide(input({ commits }));
    assert.equal(s.refused[0]?.reason, "too-many-pending");
    assert.equal(decide(input({ hasWeights: false })).refused[0]?.reason, "no-scores");
  });

  it("uses setWeights when commit-reveal is off, once per epoch", () => {
    assert.deepEqual(decide(input({ commitReveal: false })).due, [{ kind: "setWeights", netuid: 1, epoch: 10 }]);
    assert.deepEqual(decide(input({ commitReveal: false, lastUpdate: 3601, slot: 3900 })).due, []);
    assert.equal(
      decide(input({ commitReveal: false, lastUpdate: 3590, slot: 3650 })).refused[0]?.reason,
      "rate-limited",
    );
  });
});

describe("schedule: reveals and recovery", () => {
  it("reveals a commit of epoch e in epoch e + revealPeriod, expires it after", () => {
    const commits = [{ id: 7, epoch: 9, status: "committed" as const }];
    assert.deepEqual(decide(input({ commits })).due.slice(0, 1), [
      { kind: "reveal", netuid: 1, commitId: 7, epoch: 9 },
    ]);
    const waiting = decide(input({ commits, revealPeriod: 2 }));
    assert.deepEqual(
      waiting.waiting.find((w) => w.action === "reveal"),
      {
        action: "reveal",
        netuid: 1,
        commitId: 7,
        opensAtSlot: 3960,
        message: "commit of epoch 9 reveals in epoch 11 (from slot 3960)",
      },
    );
    const expired = decide(input({ commits: [{ id: 7, epoch: 8, status: "committed" }] }));
    assert.equal(expired.due[0]?.kind, "expire");
  });

  it("recovers an intent left by a crash: resendable in its own epoch only", () => {
    const now = decide(input({ commits: [{ id: 3, epoch: 10, status: "intent" }] }));
    assert.deepEqual(now.due, [
      { kind: "recoverCommit", netuid: 1, commitId: 3, epoch: 10, resendable: true, epochOver: false },
    ]);
    const later = decide(input({ commits: [{ id: 3, epoch: 9, status: "intent" }] }));
    assert.deepEqual(later.due[0], {
      kind: "recoverCommit",
      netuid: 1,
      commitId: 3,
      epoch: 9,
      resendable: false,
      epochOver: true,
    });
    assert.equal(later.due[1]?.kind, "commit");
    assert.deepEqual(kinds(decide(input({ commits: [{ id: 4, epoch: 9, status: "revealing" }] }))).slice(0, 1), [
      "confirmReveal",
    ]);
  });

  it("never resends a commit within commitGuardSlots of its epoch's end (it could land in the next epoch)", () => {
    // Epoch 10 closes at 3960; the guard (10 slots) starts at 3950.
    const intent = decide(input({ slot: 3955, commits: [{ id: 3, epoch: 10, status: "intent" }] }));
    assert.deepEqual(intent.due[0], {
      kind: "recoverCommit",
      netuid: 1,
      commitId: 3,
      epoch: 10,
      resendable: false,
      epochOver: false,
    });
    const sent = decide(input({ slot: 3955, commits: [{ id: 3, epoch: 10, status: "sent" }] }));
    assert.deepEqual(sent.due[0], {
      kind: "confirmCommit",
      netuid: 1,
      commitId: 3,
      resendable: false,
      epochOver: false,
    });
    const early = decide(input({ slot: 3949, commits: [{ id: 3, epoch: 10, status: "sent" }] }));
    assert.deepEqual(early.due[0], {
      kind: "confirmCommit",
      netuid: 1,
      commitId: 3,
      resendable: true,
      epochOver: false,
    });
  });

  it("reveals in the epoch after the one the chain recorded the commit in, not the one it was made for", () => {
    // Made for epoch 9, landed in epoch 10: revealable in epoch 11 only.
    const late = [{ id: 7, epoch: 9, commitEpoch: 10, status: "committed" as const }];
    const now = decide(input({ commits: late }));
    assert.deepEqual(kinds(now), [], "revealed (RevealTooEarly) or re-committed in epoch 10");
    assert.match(now.waiting.find((w) => w.action === "reveal")?.message ?? "", /reveals in epoch 11/);
    const next = decide(input({ slot: 3965, commits: late }));
    assert.deepEqual(next.due[0], { kind: "reveal", netuid: 1, commitId: 7, epoch: 9 });
    assert.equal(decide(input({ slot: 4325, commits: late })).due[0]?.kind, "expire");
  });

  it("refuses with a reason when no slot of an epoch is left to commit in", () => {
    const s = decide(input({ options: { commitAfterSlots: 300, commitGuardSlots: 60, maxBacklog: 0 } }));
    assert.deepEqual(s.due, []);
    const r = s.refused[0];
    assert.ok(r && r.reason === "no-commit-window");
    assert.deepEqual([r.commitAfterSlots, r.commitGuardSlots, r.tempo], [300, 60, 360]);
    assert.match(r.message, /commitAfterSlots 300 \+ commitGuardSlots 60 ≥ tempo 360 of netuid 1: .*lower them/);
  });

  it("refuses a vector that cannot pass the subnet's rules, with the reason", () => {
    const s = decide(input({ weightsProblem: "maxWeightLimit 100 needs more uids" }));
    assert.deepEqual(s.due, []);
    assert.equal(s.refused[0]?.reason, "invalid-weights");
    assert.match(
      s.refused[0]?.message ?? "",
      /^no commit sent: .*netuid 1's rules: maxWeightLimit 100 needs more uids$/,
    );
  });

  it("ignores revealed and expired commits", () => {
    const s = decide(
      input({
        commits: [
          { id: 1, epoch: 9, status: "revealed" },
          { id: 2, epoch: 8, status: "expired" },
        ],
      }),
    );
    assert.deepEqual(kinds(s), ["commit"]);
  });
});

describe("schedule: settlement and coinbase", () => {
  it("settles closed epochs not yet submitted, within the backlog, and follows submitted ones", () => {
    const s = decide(
      input({
        firstEpoch: 5,
        options: { maxBacklog: 4 },
        settlements: [
          { epoch: 6, status: "submitted" },
          { epoch: 7, status: "computed" },
          { epoch: 8, status: "finalised" },
          { epoch: 2, status: "submitted" },
          { epoch: 3, status: "claimed" },
        ],
      }),
    );
    assert.deepEqual(
      s.due.filter((a) => a.kind !== "commit"),
      [
        { kind: "checkSettlement", netuid: 1, epoch: 6 },
        { kind: "settle", netuid: 1, epoch: 7 },
        { kind: "claim", netuid: 1, epoch: 8 },
        { kind: "settle", netuid: 1, epoch: 9 },
        { kind: "checkSettlement", netuid: 1, epoch: 2 },
      ],
    );
  });

  it("calls coinbase when the interval has passed", () => {
    assert.ok(!kinds(decide(input({ lastMintedSlot: 3690 }))).includes("coinbase"));
    assert.ok(kinds(decide(input({ lastMintedSlot: 3675 }))).includes("coinbase"));
    assert.ok(!kinds(decide(input({ lastMintedSlot: 0, options: { coinbaseInterval: 0 } }))).includes("coinbase"));
  });

  it("rejects a slot outside the given epoch", () => {
    assert.throws(() => decide({ ...input(), slot: 4000 }), /slot 4000 is not inside epoch 10 \[3600, 3960\)/);
  });
});

describe("stake needed for a permit", () => {
  it("is 1 rao below the validator limit, else one more than the k-th largest other stake", () => {
    assert.equal(stakeNeededForPermit([5n, 9n], 64), 1n);
    assert.equal(stakeNeededForPermit([5n, 9n, 7n, 1n], 2), 8n);
    assert.throws(() => stakeNeededForPermit([], 0), /maxValidators 0/);
  });
});
