import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { settlementAbi, weightsAbi } from "../../offchain/abi/index.js";
import { ResultStore } from "../../offchain/epoch/resultStore.js";
import { EpochWatcher, readCursor, type EpochReport } from "../../offchain/epoch/watch.js";
import { EpochStatus } from "../../offchain/epoch/worker.js";
import { packWeights } from "../../offchain/weights/index.js";
import { keys, localSubnet } from "./harness.js";

describe("epoch watch: settle, claim and roll over every closed epoch, restartable", async () => {
  const owner = keys(0, 10);
  const TEMPO = 10;
  const net = await localSubnet({
    owner,
    validators: [],
    miners: [keys(2, 12), keys(3, 13)],
    validatorStakeTao: [2_000n], // the owner's validator keeps a quorum alone as miners' stake grows
    minLockTao: 1_000n,
    tempo: TEMPO,
    grantTao: 5_000n,
    commitReveal: false,
  });
  const { publicClient, chain, netuid, c, read, epochNow: epochAt, epochInfo: info } = net;
  const epochNow = async () => (await epochAt())[0];
  const toNextEpoch = async (into = 1) => void (await net.nextEpoch(into));
  const setWeights = async () => {
    const w = chain.wallet(owner.hotkey);
    const receipt = await publicClient.waitForTransactionReceipt({
      hash: await w.writeContract({
        address: c.Weights!,
        abi: weightsAbi,
        functionName: "setWeights",
        args: [
          netuid,
          packWeights([
            { uid: 1, value: 65535 },
            { uid: 2, value: 20000 },
          ]),
          0n,
        ],
        account: w.account,
        chain: w.chain,
      }),
    });
    assert.equal(receipt.status, "success");
  };
  const resultsDir = mkdtempSync(path.join(tmpdir(), "epoch-watch-"));
  const cursorFile = path.join(resultsDir, `watch-${netuid}.json`);
  const worker = net.worker(owner.hotkey, { store: new ResultStore(resultsDir) });
  const watcher = (reports: EpochReport[], fromEpoch?: bigint) =>
    new EpochWatcher({
      worker,
      client: publicClient,
      registry: c.SubnetRegistry!,
      netuid,
      fromEpoch,
      cursorFile,
      onResolved: (r) => reports.push(r),
    });

  let first = 0n;

  it("settles and claims each closed epoch in order and saves its cursor", async () => {
    await toNextEpoch(1); // the short tempo takes effect at the next boundary
    first = await epochNow();
    const reports: EpochReport[] = [];
    const w = watcher(reports, first);
    const resolved: EpochReport[] = [];
    for (let i = 0; i < 2; i++) {
      await setWeights();
      await toNextEpoch(1);
      resolved.push(...(await w.pass()));
    }
    assert.deepEqual(
      resolved.map((r) => [r.epoch, r.status]),
      [
        [first, "finalised"],
        [first + 1n, "finalised"],
      ],
    );
    assert.deepEqual(reports, resolved, "onResolved saw each epoch once");
    for (const r of resolved) {
      assert.ok(r.claimed > 0, `epoch ${r.epoch} paid some leaves`);
      const e = await info(r.epoch);
      assert.equal(e.status, EpochStatus.Finalised);
      assert.ok(e.claimed > 0n && e.claimed <= e.budget, "claims recorded, within the budget");
    }
    assert.equal(w.next, first + 2n);
    assert.deepEqual(readCursor(cursorFile, netuid), { next: first + 2n, generation: 0 }, "the cursor is on disk");
    // A second pass with nothing new closed does nothing.
    assert.deepEqual(await w.pass(), []);
  });

  it("a restarted watcher continues from the saved cursor and does nothing twice", async () => {
    const reports: EpochReport[] = [];
    const w = watcher(reports, 0n); // --from-epoch is ignored once a cursor exists
    assert.equal(w.next, first + 2n);
    await setWeights();
    await toNextEpoch(1);
    const resolved = await w.pass();
    assert.deepEqual(
      resolved.map((r) => [r.epoch, r.status]),
      [[first + 2n, "finalised"]],
    );
    // The same epochs again through a fresh watcher at an older cursor: all already claimed, nothing re-sent.
    writeFileSync(cursorFile, JSON.stringify({ netuid, next: first.toString() }));
    const again = await watcher([]).pass();
    assert.deepEqual(
      again.map((r) => [r.epoch, r.claimed]),
      [
        [first, 0],
        [first + 1n, 0],
        [first + 2n, 0],
      ],
    );
  });

  it("rolls over an epoch whose deadline passed before anyone settled it", async () => {
    const start = await epochNow();
    // Let epoch `start` close and its deadline (one epoch length later) pass unsettled.
    await toNextEpoch(1);
    await toNextEpoch(TEMPO);
    await toNextEpoch(1);
    writeFileSync(cursorFile, JSON.stringify({ netuid, next: start.toString() }));
    const reports: EpochReport[] = [];
    const resolved = await watcher(reports).pass();
    assert.equal(resolved[0]?.epoch, start);
    assert.equal(resolved[0]?.status, "rolled-over");
    assert.equal((await info(start)).status, EpochStatus.RolledOver);
    const [rolled] = await publicClient.getContractEvents({
      address: c.Settlement!,
      abi: settlementAbi,
      eventName: "EpochRolledOver",
      args: { netuid },
      fromBlock: 0n,
    });
    assert.ok(rolled && rolled.args.amount! > 0n, "the epoch's emission was carried");
    const later = resolved.find((r) => r.status === "finalised");
    if (later) assert.ok((await info(later.epoch)).budget >= rolled.args.amount!, "and paid in a later epoch");
  });

  it("a cursor of another life of the netuid (dissolved and created again) restarts at the latest closed epoch", async () => {
    await toNextEpoch(1);
    const current = await epochNow();
    // Written in generation 3, far ahead of this life's epochs: followed, it would wait for ever.
    writeFileSync(cursorFile, JSON.stringify({ netuid, next: (current + 1000n).toString(), generation: 3 }));
    const w = watcher([], 0n); // --from-epoch applies to a first start only
    await w.pass();
    assert.ok(w.next !== undefined && w.next >= current - 1n && w.next <= current, `restarted at ${w.next}`);
    assert.equal(readCursor(cursorFile, netuid)?.generation, 0, "the cursor now counts in this life");
  });

  it("a results directory of a reset chain (same addresses, another genesis) goes aside, cursor and all", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "epoch-watch-reset-"));
    const genesis = Number(
      await publicClient.readContract({ address: c.Settlement!, abi: settlementAbi, functionName: "genesisTime" }),
    );
    const chainId = await publicClient.getChainId();
    writeFileSync(
      path.join(dir, "deployment.json"),
      JSON.stringify({ chainId, settlement: c.Settlement!.toLowerCase(), genesisTime: genesis - 600 }),
    );
    const file = path.join(dir, `watch-${netuid}.json`);
    const current = await epochNow();
    // The old chain's cursor: far ahead of this chain's epochs, in the same life (generation 0).
    writeFileSync(file, JSON.stringify({ netuid, next: (current + 1000n).toString(), generation: 0 }));
    const w = new EpochWatcher({
      worker: net.worker(owner.hotkey, { store: new ResultStore(dir) }),
      client: publicClient,
      registry: c.SubnetRegistry!,
      netuid,
      cursorFile: file,
    });
    assert.equal(w.next, current + 1000n);
    await w.pass();
    assert.ok(w.next !== undefined && w.next <= current, `restarted at ${w.next}, not the old chain's cursor`);
    assert.ok(readCursor(path.join(`${dir}.genesis-${genesis - 600}`, `watch-${netuid}.json`), netuid), "kept aside");
  });

  it("refuses a cursor file of another subnet or a damaged one, naming the file", () => {
    writeFileSync(cursorFile, JSON.stringify({ netuid: netuid + 1, next: "3" }));
    assert.throws(() => watcher([]), new RegExp(`belongs to subnet ${netuid + 1}, not ${netuid}`));
    writeFileSync(cursorFile, "{not json");
    assert.throws(
      () => watcher([]),
      (e: Error) => e.message.includes(cursorFile) && /delete it/.test(e.message),
    );
  });
});
