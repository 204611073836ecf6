import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import pino from "pino";
import { type Address, type Hex, type PublicClient, getAddress, keccak256, toHex } from "viem";
import {
  type WeightEntry,
  WeightsInputError,
  commitHash,
  normaliseScores,
  packWeights,
  rebuildWeightMatrix,
  toDenseMatrix,
} from "../../offchain/weights/index.js";

const SLOT = 12;
const TEMPO = 360;
const NETUID = 1;
const N = 12;

describe("rebuildWeightMatrix: the matrix from WeightsSet events equals what was revealed", async () => {
  const { viem, networkHelpers } = await network.create();
  const publicClient = await viem.getPublicClient();
  const [owner, ownerHotkey, ...wallets] = await viem.getWalletClients();
  const validators = wallets.slice(0, 4);
  const logger = pino({ level: "silent" });

  const emission = await viem.deployContract("MockEmissionForWeights", [0n]);
  const genesis = await emission.read.genesisTime();
  const registry = await viem.deployContract("MockRegistryForWeights", [genesis]);
  const permits = await viem.deployContract("MockPermitsForWeights");
  const weights = await viem.deployContract("Weights", [registry.address, permits.address, emission.address]);
  await registry.write.createSubnet([NETUID, owner.account.address, ownerHotkey.account.address]);
  for (const v of validators) await registry.write.register([NETUID, v.account.address]); // uids 0..3
  await registry.write.fill([NETUID, N - validators.length]);
  await permits.write.setPermits([NETUID, 0b1111n, true]);

  const currentSlot = async () => {
    const block = await publicClient.getBlock();
    return (block.timestamp - genesis) / BigInt(SLOT);
  };
  const toNextEpoch = async () => {
    const [, , close] = await registry.read.epochAt([NETUID, await currentSlot()]);
    await networkHelpers.time.increaseTo(genesis + close * BigInt(SLOT));
  };

  let seed = 7;
  const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const randomRow = (): WeightEntry[] => normaliseScores(Array.from({ length: N }, () => (rand() < 0.25 ? 0 : rand())));

  /** One round: every validator commits a fresh vector, and reveals it in the next epoch. */
  async function round(expected: Map<number, WeightEntry[]>): Promise<void> {
    const pending: Array<{ uid: number; packed: Hex; salt: Hex }> = [];
    for (const [uid, v] of validators.entries()) {
      const entries = randomRow();
      const packed = packWeights(entries);
      const salt = keccak256(toHex(`salt ${seed} ${uid}`));
      const h = commitHash({ hotkey: v.account.address, netuid: NETUID, packedWeights: packed, salt, versionKey: 0n });
      assert.equal(await weights.read.commitHashOf([v.account.address, NETUID, packed, salt, 0n]), h);
      await weights.write.commitWeights([NETUID, h], { account: v.account });
      pending.push({ uid, packed, salt });
      expected.set(uid, entries);
    }
    await toNextEpoch();
    for (const p of pending) {
      await weights.write.revealWeights([NETUID, p.packed, p.salt, 0n], { account: validators[p.uid]!.account });
    }
  }

  const rowsOf = (m: Awaited<ReturnType<typeof rebuildWeightMatrix>>) =>
    new Map(m.rows.map((r) => [r.uid, [...r.entries]]));

  const firstRound = new Map<number, WeightEntry[]>();
  await round(firstRound);
  const afterFirst = await currentSlot();
  await networkHelpers.time.increase(TEMPO * SLOT);
  const latest = new Map(firstRound);
  await round(latest);
  await networkHelpers.time.increase(TEMPO * SLOT);
  await round(latest);

  it("latest rows equal the last revealed vectors, and each is the stored hash", async () => {
    const m = await rebuildWeightMatrix(publicClient, { weights: weights.address, netuid: NETUID }, logger);
    assert.deepEqual(m.dropped, []);
    assert.deepEqual(rowsOf(m), latest);
    for (const r of m.rows) {
      assert.equal(await weights.read.weightsHashOf([NETUID, r.hotkey]), r.weightsHash);
      assert.equal(getAddress(r.hotkey), getAddress(validators[r.uid]!.account.address));
    }
    const dense = toDenseMatrix(m, N);
    for (const [uid, entries] of latest) for (const e of entries) assert.equal(dense[uid]![e.uid], e.value);
  });

  it("as of an earlier slot, rows are those revealed by then", async () => {
    const m = await rebuildWeightMatrix(publicClient, {
      weights: weights.address,
      netuid: NETUID,
      asOfSlot: afterFirst,
    });
    assert.deepEqual(m.dropped, []);
    assert.deepEqual(rowsOf(m), firstRound);
    const none = await rebuildWeightMatrix(publicClient, { weights: weights.address, netuid: NETUID, asOfSlot: 0n });
    assert.equal(none.rows.length, 0);
  });

  it("refuses logs that are incomplete or forged, naming the hotkey and the fix", async () => {
    const victim = getAddress(validators[1]!.account.address);
    const forged = getAddress(validators[2]!.account.address);
    // A node that hides the victim's latest event and corrupts another row's bytes.
    type EventsFn = PublicClient["getContractEvents"];
    type RowLog = { args: { hotkey: Address; packedWeights: Hex } };
    const lyingEvents = async (args: Parameters<EventsFn>[0]) => {
      const logs = (await publicClient.getContractEvents(args)) as unknown as RowLog[];
      const lastOfVictim = logs.findLastIndex((l) => getAddress(l.args.hotkey) === victim);
      return logs
        .filter((_, i) => i !== lastOfVictim)
        .map((l) =>
          getAddress(l.args.hotkey) === forged
            ? { ...l, args: { ...l.args, packedWeights: packWeights([{ uid: 5, value: 65535 }]) } }
            : l,
        );
    };
    const lying = new Proxy(publicClient, {
      get: (target, prop, receiver) =>
        prop === "getContractEvents" ? lyingEvents : Reflect.get(target, prop, receiver),
    }) as PublicClient;
    const rebuild = (client: PublicClient) => rebuildWeightMatrix(client, { weights: weights.address, netuid: NETUID });
    const hidingOnly = new Proxy(publicClient, {
      get: (target, prop, receiver) =>
        prop === "getContractEvents"
          ? async (args: Parameters<EventsFn>[0]) => {
              const logs = (await publicClient.getContractEvents(args)) as unknown as RowLog[];
              const lastOfVictim = logs.findLastIndex((l) => getAddress(l.args.hotkey) === victim);
              return logs.filter((_, i) => i !== lastOfVictim);
            }
          : Reflect.get(target, prop, receiver),
    }) as PublicClient;
    await assert.rejects(
      rebuild(hidingOnly),
      (e: Error) =>
        e instanceof WeightsInputError &&
        e.message.includes(victim) &&
        /logs are incomplete.*another RPC node/.test(e.message),
    );
    await assert.rejects(
      rebuild(lying),
      (e: Error) => e instanceof WeightsInputError && /corrupt|incomplete/.test(e.message),
    );
    // The honest node's logs rebuild every row.
    const honest = await rebuild(publicClient);
    assert.deepEqual(honest.dropped, []);
  });

  it("refuses logs that miss every WeightsSet of a hotkey with stored weights, naming it", async () => {
    const victim = getAddress(validators[2]!.account.address);
    type EventsFn = PublicClient["getContractEvents"];
    type RowLog = { args: { hotkey: Address } };
    // A node whose log index lags over the only range holding the victim's rows: none of them is returned.
    const lagging = new Proxy(publicClient, {
      get: (target, prop, receiver) =>
        prop === "getContractEvents"
          ? async (args: Parameters<EventsFn>[0]) =>
              ((await publicClient.getContractEvents(args)) as unknown as RowLog[]).filter(
                (l) => getAddress(l.args.hotkey) !== victim,
              )
          : Reflect.get(target, prop, receiver),
    }) as PublicClient;
    assert.notEqual(await weights.read.weightsHashOf([NETUID, victim]), `0x${"00".repeat(32)}`);
    await assert.rejects(
      rebuildWeightMatrix(lagging, { weights: weights.address, netuid: NETUID }),
      (e: Error) =>
        e instanceof WeightsInputError &&
        e.message.includes(victim) &&
        /uid 2's hotkey .* no WeightsSet .*another RPC node/.test(e.message),
    );
  });

  it("refuses logs missing the row in use as of a slot when a newer row exists, instead of an older row or none", async () => {
    const victim = getAddress(validators[3]!.account.address);
    type EventsFn = PublicClient["getContractEvents"];
    type RowLog = { args: { hotkey: Address; slot: bigint } };
    // As of the slot before the victim's latest row: the stored hash now vouches for that latest row only.
    const victimRows = (
      (await publicClient.getContractEvents({
        address: weights.address,
        abi: weights.abi,
        eventName: "WeightsSet",
        fromBlock: 0n,
      })) as unknown as RowLog[]
    ).filter((l) => getAddress(l.args.hotkey) === victim);
    assert.equal(victimRows.length, 3, "one row per round");
    const asOfSlot = victimRows[2]!.args.slot - 1n;
    const hiding = (hidden: bigint[]) =>
      new Proxy(publicClient, {
        get: (target, prop, receiver) =>
          prop === "getContractEvents"
            ? async (args: Parameters<EventsFn>[0]) =>
                ((await publicClient.getContractEvents(args)) as unknown as RowLog[]).filter(
                  (l) => getAddress(l.args.hotkey) !== victim || !hidden.includes(l.args.slot),
                )
            : Reflect.get(target, prop, receiver),
      }) as PublicClient;
    const rebuild = (client: PublicClient) =>
      rebuildWeightMatrix(client, { weights: weights.address, netuid: NETUID, asOfSlot });
    const honest = await rebuild(publicClient);
    assert.equal(honest.rows.find((r) => r.uid === 3)?.slot, victimRows[1]!.args.slot, "the second round's row");
    // Hiding the second round's row would fall back to the first's; hiding both would drop the victim's row.
    for (const hidden of [[victimRows[1]!.args.slot], [victimRows[0]!.args.slot, victimRows[1]!.args.slot]]) {
      await assert.rejects(
        rebuild(hiding(hidden)),
        (e: Error) =>
          e instanceof WeightsInputError &&
          e.message.includes(victim) &&
          new RegExp(`from slot ${victimRows[1]!.args.slot} at the end of slot ${asOfSlot}.*another RPC node`).test(
            e.message,
          ),
      );
    }
    // Hiding a row older than the one in use changes nothing.
    assert.deepEqual(await rebuild(hiding([victimRows[0]!.args.slot])), honest);

    // As of the slot before its first row the victim had no weights: a row the node dates back to then is refused.
    const beforeFirst = victimRows[0]!.args.slot - 1n;
    const early = await rebuildWeightMatrix(publicClient, {
      weights: weights.address,
      netuid: NETUID,
      asOfSlot: beforeFirst,
    });
    assert.equal(
      early.rows.find((r) => r.uid === 3),
      undefined,
      "no row yet",
    );
    const backdating = new Proxy(publicClient, {
      get: (target, prop, receiver) =>
        prop === "getContractEvents"
          ? async (args: Parameters<EventsFn>[0]) =>
              ((await publicClient.getContractEvents(args)) as unknown as RowLog[]).map((l) =>
                getAddress(l.args.hotkey) === victim && l.args.slot === victimRows[0]!.args.slot
                  ? { ...l, args: { ...l.args, slot: beforeFirst } }
                  : l,
              )
          : Reflect.get(target, prop, receiver),
    }) as PublicClient;
    await assert.rejects(
      rebuildWeightMatrix(backdating, { weights: weights.address, netuid: NETUID, asOfSlot: beforeFirst }),
      (e: Error) =>
        e instanceof WeightsInputError &&
        e.message.includes(victim) &&
        new RegExp(
          `had no weights of its registration .* at the end of slot ${beforeFirst}.*from slot ${beforeFirst}`,
        ).test(e.message),
    );
  });

  it("pages the log reads by block range: the same matrix as one range, within a provider's cap", async () => {
    type EventsFn = PublicClient["getContractEvents"];
    const cap = 5n;
    const ranges: Array<[bigint, bigint]> = [];
    // A provider that refuses log ranges over `cap` blocks.
    const capped = new Proxy(publicClient, {
      get: (target, prop, receiver) =>
        prop === "getContractEvents"
          ? async (args: Parameters<EventsFn>[0]) => {
              const from = BigInt(args.fromBlock ?? 0n);
              const to = BigInt(args.toBlock ?? 0n);
              if (to - from + 1n > cap) throw new Error(`log range ${from}..${to} exceeds ${cap} blocks`);
              ranges.push([from, to]);
              return publicClient.getContractEvents(args);
            }
          : Reflect.get(target, prop, receiver),
    }) as PublicClient;
    const blockNumber = await publicClient.getBlockNumber();
    const whole = await rebuildWeightMatrix(publicClient, { weights: weights.address, netuid: NETUID, blockNumber });
    // The default page is refused, and halved until the provider takes it.
    const adapted = await rebuildWeightMatrix(capped, { weights: weights.address, netuid: NETUID, blockNumber });
    assert.deepEqual(adapted, whole, "pages halved from the default");
    assert.ok(ranges.every(([from, to]) => to - from + 1n <= cap));
    for (const logPageBlocks of [1n, 3n, 5n]) {
      ranges.length = 0;
      const paged = await rebuildWeightMatrix(capped, {
        weights: weights.address,
        netuid: NETUID,
        blockNumber,
        logPageBlocks,
      });
      assert.deepEqual(paged, whole, `pages of ${logPageBlocks} blocks`);
      // The pages tile a range ending at blockNumber, newest first, without gaps or overlaps.
      assert.ok(ranges.length > 0);
      ranges.sort((a, b) => (a[0] > b[0] ? -1 : 1));
      ranges.forEach(([from, to], i) => {
        assert.equal(to, i === 0 ? blockNumber : ranges[i - 1]![0] - 1n);
        assert.ok(to - from + 1n <= logPageBlocks);
      });
    }
    await assert.rejects(
      rebuildWeightMatrix(publicClient, { weights: weights.address, netuid: NETUID, logPageBlocks: 0n }),
      /logPageBlocks/,
    );
  });

  it("reads the logs backwards and stops once every occupant's rows are found, whatever the chain's age", async () => {
    type EventsFn = PublicClient["getContractEvents"];
    const ranges: Array<[bigint, bigint]> = [];
    const counting = new Proxy(publicClient, {
      get: (target, prop, receiver) =>
        prop === "getContractEvents"
          ? async (args: Parameters<EventsFn>[0]) => {
              ranges.push([BigInt(args.fromBlock ?? 0n), BigInt(args.toBlock ?? 0n)]);
              return publicClient.getContractEvents(args);
            }
          : Reflect.get(target, prop, receiver),
    }) as PublicClient;
    const blockNumber = await publicClient.getBlockNumber();
    const whole = await rebuildWeightMatrix(publicClient, { weights: weights.address, netuid: NETUID, blockNumber });
    const lastRowBlock = whole.rows.reduce((m, r) => (r.blockNumber < m ? r.blockNumber : m), blockNumber);
    const paged = await rebuildWeightMatrix(counting, {
      weights: weights.address,
      netuid: NETUID,
      blockNumber,
      logPageBlocks: 1n,
    });
    assert.deepEqual(paged.rows, whole.rows);
    // Pages of one block, four at a time: the scan ends within the group that reached the oldest latest row.
    const lowest = ranges.reduce((m, [from]) => (from < m ? from : m), blockNumber);
    assert.ok(
      lowest <= lastRowBlock && lowest > lastRowBlock - 4n,
      `read down to ${lowest}, rows from ${lastRowBlock}`,
    );
    assert.ok(lowest > 0n, "did not read the whole chain");
    // As of an earlier slot, the scan goes further back, to the first round's rows, and finds them.
    ranges.length = 0;
    const earlier = await rebuildWeightMatrix(counting, {
      weights: weights.address,
      netuid: NETUID,
      blockNumber,
      asOfSlot: afterFirst,
      logPageBlocks: 1n,
    });
    assert.deepEqual(rowsOf(earlier), firstRound);
    assert.ok(ranges.reduce((m, [from]) => (from < m ? from : m), blockNumber) < lastRowBlock);
  });

  it("drops a row once its uid changes hands (and checks nothing when asked not to)", async () => {
    await registry.write.replace([NETUID, 3, getAddress("0x000000000000000000000000000000000000d00d")]);
    const m = await rebuildWeightMatrix(publicClient, { weights: weights.address, netuid: NETUID });
    assert.deepEqual(
      m.dropped.map((d) => [d.uid, d.reason]),
      [[3, "not-occupant"]],
    );
    assert.deepEqual(
      m.rows.map((r) => r.uid),
      [0, 1, 2],
    );
    const [hk, , , current] = await weights.read.currentWeightsOf([NETUID, 3]);
    assert.equal(current, false);
    assert.equal(getAddress(hk), getAddress("0x000000000000000000000000000000000000d00d"));
    const unchecked = await rebuildWeightMatrix(publicClient, {
      weights: weights.address,
      netuid: NETUID,
      checkRegistry: false,
    });
    assert.equal(unchecked.rows.length, 4);
  });

  it("stops at the occupant's registration when its only rows are after asOfSlot", async () => {
    const newcomer = wallets[4]!;
    await networkHelpers.time.increase(3 * SLOT);
    await registry.write.replace([NETUID, 3, newcomer.account.address]);
    const registeredAt = await registry.read.registrationSlot([NETUID, 3]);
    const entries = randomRow();
    const packed = packWeights(entries);
    const salt = keccak256(toHex("newcomer"));
    const h = commitHash({
      hotkey: newcomer.account.address,
      netuid: NETUID,
      packedWeights: packed,
      salt,
      versionKey: 0n,
    });
    await weights.write.commitWeights([NETUID, h], { account: newcomer.account });
    await toNextEpoch();
    await weights.write.revealWeights([NETUID, packed, salt, 0n], { account: newcomer.account });
    const [, , revealedAt] = await weights.read.weightsOf([NETUID, newcomer.account.address]);
    assert.ok(revealedAt > registeredAt);

    type EventsFn = PublicClient["getContractEvents"];
    let lowest: bigint | undefined;
    const counting = new Proxy(publicClient, {
      get: (target, prop, receiver) =>
        prop === "getContractEvents"
          ? async (args: Parameters<EventsFn>[0]) => {
              const from = BigInt(args.fromBlock ?? 0n);
              if (lowest === undefined || from < lowest) lowest = from;
              return publicClient.getContractEvents(args);
            }
          : Reflect.get(target, prop, receiver),
    }) as PublicClient;
    const m = await rebuildWeightMatrix(counting, {
      weights: weights.address,
      netuid: NETUID,
      asOfSlot: revealedAt - 1n,
      logPageBlocks: 1n,
    });
    // uid 3's occupant revealed after asOfSlot and holds no row before; uids 0..2 keep their last rows.
    assert.deepEqual(
      m.rows.map((r) => r.uid),
      [0, 1, 2],
    );
    for (const r of m.rows) assert.deepEqual([...r.entries], latest.get(r.uid));
    const firstRoundBlock = (
      await rebuildWeightMatrix(publicClient, { weights: weights.address, netuid: NETUID, asOfSlot: afterFirst })
    ).rows[0]!.blockNumber;
    assert.ok(
      lowest !== undefined && lowest > firstRoundBlock,
      `read down to block ${lowest}, not to the first round (${firstRoundBlock})`,
    );
  });

  it("drops a row of an earlier life at a uid the subnet no longer has, instead of failing on it", async () => {
    // A hotkey that held uid 12 in the netuid's earlier life holds uid 3 in the next, which has 12 neurons: as of
    // a slot before its first weights of the new life, its row is the old one at uid 12, where `registrationSlot`
    // reverts (`hotkeyAt` is zero).
    const h = wallets[5]!;
    const self = (uid: number) => packWeights([{ uid, value: 65535 }]);
    await registry.write.setCommitReveal([NETUID, false, 1]);
    await registry.write.register([NETUID, h.account.address]);
    const [, oldUid] = await registry.read.uidOf([NETUID, h.account.address]);
    assert.equal(oldUid, N);
    await weights.write.setWeights([NETUID, self(N), 0n], { account: h.account });
    await registry.write.bumpGeneration([NETUID]);
    await registry.write.truncate([NETUID, N]);
    await networkHelpers.time.increase(3 * SLOT);
    await registry.write.replace([NETUID, 3, h.account.address]);
    await networkHelpers.time.increase(3 * SLOT);
    await weights.write.setWeights([NETUID, self(3), 0n], { account: h.account });
    const [, , newSlot] = await weights.read.weightsOf([NETUID, h.account.address]);
    await registry.write.setCommitReveal([NETUID, true, 1]);

    const m = await rebuildWeightMatrix(publicClient, {
      weights: weights.address,
      netuid: NETUID,
      asOfSlot: newSlot - 1n,
    });
    assert.ok(
      m.dropped.some((d) => d.uid === N && d.reason === "not-occupant"),
      JSON.stringify(m.dropped.map((d) => [d.uid, d.reason])),
    );
    assert.ok(!m.rows.some((r) => getAddress(r.hotkey) === getAddress(h.account.address)));
    const now = await rebuildWeightMatrix(publicClient, { weights: weights.address, netuid: NETUID });
    assert.deepEqual(
      now.rows.filter((r) => r.uid === 3).map((r) => [getAddress(r.hotkey), [...r.entries]]),
      [[getAddress(h.account.address), [{ uid: 3, value: 65535 }]]],
    );
  });

  it("rejects bad parameters with a clear error", async () => {
    await assert.rejects(
      rebuildWeightMatrix(publicClient, { weights: "0x1234", netuid: NETUID }),
      /weights: expected a 0x-prefixed 20-byte address/,
    );
    await assert.rejects(rebuildWeightMatrix(publicClient, { weights: weights.address, netuid: 70000 }), /netuid/);
  });
});
