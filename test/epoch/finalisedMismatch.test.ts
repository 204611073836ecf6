/**
 * A stored result of a finalised epoch that differs from the chain's finalised tuple (root, permitsBitmap,
 * bondsHash) is set aside next to its file and recomputed once from chain; only a recomputation that still
 * differs stops the worker, with an error naming the epoch, both roots and what to check.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { type Hex, type PublicClient, getAddress } from "viem";
import { settlementAbi } from "../../offchain/abi/index.js";
import { ResultStore, type StoredEpoch } from "../../offchain/epoch/resultStore.js";
import { EpochStatus } from "../../offchain/epoch/worker.js";
import { keys, localSubnet } from "../e2e/harness.js";

const BAD_ROOT: Hex = `0x${"de".repeat(32)}`;

describe("epoch worker: a stored result that differs from the finalised tuple is set aside and recomputed", async () => {
  const owner = keys(0, 10);
  const miners = [keys(2, 12), keys(3, 13)];
  const net = await localSubnet({
    owner,
    validators: [],
    miners,
    validatorStakeTao: [2_000n],
    minLockTao: 1_000n,
    tempo: 10,
    grantTao: 5_000n,
    commitReveal: false,
  });
  const { publicClient, deployment, netuid, c, nextEpoch, epochNow, epochInfo, closeOf } = net;

  // The owner's validator weighs both miners; epochs A and B finalise (A alone, at bootstrap; B from A's permits).
  await nextEpoch(1);
  await net.setWeights(owner.hotkey, [
    { uid: 1, value: 65535 },
    { uid: 2, value: 20000 },
  ]);
  const [A] = await epochNow();
  const B = A + 1n;
  const dir = mkdtempSync(path.join(tmpdir(), "mismatch-"));
  const store = new ResultStore(dir);
  await nextEpoch(1);
  assert.equal((await net.worker(owner.hotkey, { store }).settle(netuid, A, await closeOf(A))).kind, "submitted");
  await nextEpoch(1);
  assert.equal((await net.worker(owner.hotkey, { store }).settle(netuid, B, await closeOf(B))).kind, "submitted");
  for (const e of [A, B]) assert.equal((await epochInfo(e)).status, EpochStatus.Finalised);
  const finalisedLogs = await publicClient.getContractEvents({
    address: c.Settlement!,
    abi: settlementAbi,
    eventName: "EpochFinalised",
    args: { netuid },
    fromBlock: BigInt(deployment.deploymentBlock),
    strict: true,
  });
  const finalisedOf = (e: bigint) => finalisedLogs.find((l) => l.args.epoch === e)!.args;
  const genuine = { A: store.load(netuid, A)!, B: store.load(netuid, B)! };
  assert.ok(
    genuine.A.bonds.some((row) => row.length > 0),
    "epoch A has bonds to carry",
  );

  /** Overwrites the stored result of `epoch` with `change` applied. */
  const tamper = (epoch: bigint, change: (s: StoredEpoch) => StoredEpoch) => {
    const s = store.load(netuid, epoch)!;
    store.save(change(structuredClone(s)));
  };
  const asideOf = (epoch: bigint, root: Hex) => `${store.file(netuid, epoch)}.mismatch-${root}`;
  const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8")) as StoredEpoch;

  const workerOver = (client: PublicClient, results: ResultStore, logPageBlocks?: bigint) =>
    net.worker(owner.hotkey, { client, store: results, ...(logPageBlocks === undefined ? {} : { logPageBlocks }) });

  /** The worker finds the finalised tuple of A and B: root, permits and bonds hash of their EpochFinalised logs. */
  const assertFindsTuples = async (worker: ReturnType<typeof workerOver>) => {
    for (const e of [A, B]) {
      const { root, permitsBitmap, bondsHash } = finalisedOf(e);
      assert.deepEqual(await worker.finalisedTuple(netuid, e, 0, await epochInfo(e)), {
        root,
        permitsBitmap,
        bondsHash,
      });
    }
  };

  it("the finalised tuple is the epoch's EpochFinalised log, found page by page", async () => {
    for (const page of [1n, 2n, 10_000n]) {
      await assertFindsTuples(workerOver(publicClient, store, page));
    }
  });

  it("a provider capping log ranges: the default page is halved until it is taken, and the same tuple found", async () => {
    type EventsFn = PublicClient["getContractEvents"];
    const capped = new Proxy(publicClient, {
      get: (target, prop, receiver) =>
        prop === "getContractEvents"
          ? async (args: Parameters<EventsFn>[0]) => {
              const span = BigInt(args.toBlock ?? 0n) - BigInt(args.fromBlock ?? 0n) + 1n;
              if (span > 2n) throw new Error(`query exceeds max block range 2 (asked ${span})`);
              return publicClient.getContractEvents(args);
            }
          : Reflect.get(target, prop, receiver),
    }) as PublicClient;
    const worker = workerOver(capped, store);
    await assertFindsTuples(worker);
  });

  it("a tampered root: claimAll recomputes from chain and claims; the bad file is kept aside", async () => {
    tamper(B, (s) => ({ ...s, root: BAD_ROOT }));
    const claimed = await net.worker(owner.hotkey, { store }).claimAll(netuid, B);
    assert.ok(claimed > 0, `claimed ${claimed} leaves`);
    assert.equal(store.load(netuid, B)?.root, (await epochInfo(B)).root, "the store holds the finalised result again");
    assert.deepEqual(store.load(netuid, B), genuine.B, "recomputed exactly");
    assert.equal(readJson(asideOf(B, BAD_ROOT)).root, BAD_ROOT, "the bad result is preserved aside");
  });

  it("tampered bonds with the root intact: previousResult carries the finalised bonds, not the stored ones", async () => {
    tamper(A, (s) => ({ ...s, bonds: s.bonds.map((row, uid) => (uid === 0 ? [[1, 1]] : row)) }));
    const previous = await net.worker(owner.hotkey, { store }).previousResult(netuid, B);
    assert.equal(previous?.closeSlot, await closeOf(A), "B carries A");
    assert.deepEqual(previous?.bonds, genuine.A.bonds, "the bonds that hash to the finalised bondsHash");
    assert.deepEqual(store.load(netuid, A), genuine.A);
    assert.deepEqual(readJson(asideOf(A, genuine.A.root)).bonds[0], [[1, 1]], "the tampered file is kept aside");
  });

  it("a tampered permitsBitmap or bondsHash: replaced, and the carried permits are the chain's", async () => {
    for (const change of [
      (s: StoredEpoch) => ({ ...s, permitsBitmap: "0" }),
      (s: StoredEpoch) => ({ ...s, bondsHash: BAD_ROOT }),
    ]) {
      tamper(A, change);
      const previous = await net.worker(owner.hotkey, { store }).previousResult(netuid, B);
      assert.equal(previous?.permitsBitmap, finalisedOf(A).permitsBitmap, "the finalised permits");
      assert.deepEqual(store.load(netuid, A), genuine.A, "recomputed");
    }
    assert.equal(finalisedOf(A).bondsHash, genuine.A.bondsHash);
  });

  it("a node whose recomputation still differs throws, naming the epoch, both roots and what to check", async () => {
    // An RPC node serving a wrong stake for miner 2 at A's close: this node's input differs from the quorum's.
    const liar = getAddress(miners[1]!.hotkey.address);
    type Read = PublicClient["readContract"];
    const readContract = (async (args: Parameters<Read>[0]) => {
      const value = await publicClient.readContract(args);
      const a = args.args as readonly unknown[] | undefined;
      if (args.functionName === "stakeWeightAt" && typeof a?.[1] === "string" && getAddress(a[1]) === liar) {
        return 10n ** 24n;
      }
      return value;
    }) as Read;
    const lying = new Proxy(publicClient, {
      get: (target, prop, receiver) => (prop === "readContract" ? readContract : Reflect.get(target, prop, receiver)),
    }) as PublicClient;
    const other = new ResultStore(mkdtempSync(path.join(tmpdir(), "mismatch-liar-")));
    const worker = workerOver(lying, other);
    const root = (await epochInfo(A)).root;
    await assert.rejects(worker.claimAll(netuid, A), (e: Error) => {
      const m =
        /^epoch (\d+)\/(\d+) recomputed from chain gives root (0x[0-9a-f]{64}), the finalised root is (0x[0-9a-f]{64})/.exec(
          e.message,
        );
      assert.ok(m, e.message);
      assert.deepEqual([Number(m[1]), BigInt(m[2]!), m[4]], [netuid, A, root]);
      assert.notEqual(m[3], root);
      assert.match(e.message, /check the RPC node .* deployment block/);
      assert.ok(existsSync(`${other.file(netuid, A)}.mismatch-${m[3]}`), "its result is kept aside");
      return true;
    });
    assert.equal(other.load(netuid, A), undefined, "nothing wrong is left where the next pass would load it");
  });
});
