import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { ResultStore, type StoredEpoch } from "../../offchain/epoch/resultStore.js";

const result = (epoch: bigint, root: `0x${string}`, generation?: number): StoredEpoch => ({
  netuid: 3,
  epoch: epoch.toString(),
  root,
  bondsHash: `0x${"00".repeat(32)}`,
  permitsBitmap: "1",
  totals: { incentive: "0", dividend: "0" },
  bonds: [],
  tree: { format: "standard-v1", leafEncoding: [], tree: [], values: [] },
  ...(generation === undefined ? {} : { generation }),
});

describe("ResultStore: one result per (netuid, life, epoch)", () => {
  it("keeps a re-created subnet's epochs apart from the same epoch numbers of its earlier life", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "results-"));
    const store = new ResultStore(dir);
    const first = `0x${"11".repeat(32)}` as const;
    const second = `0x${"22".repeat(32)}` as const;
    store.save(result(0n, first)); // first life, written before results carried a generation
    store.save(result(0n, second, 1));
    assert.ok(existsSync(path.join(dir, "3", "0.json")), "first life: the original layout");
    assert.ok(existsSync(path.join(dir, "3", "life-1", "0.json")), "later lives: a folder each");
    assert.equal(store.load(3, 0n)?.root, first, "generation 0 by default");
    assert.equal(store.load(3, 0n, 0)?.root, first);
    assert.equal(store.load(3, 0n, 1)?.root, second, "the new life's epoch 0 is not the old one");
    assert.equal(store.load(3, 0n, 2), undefined, "nothing for a life never computed");
  });

  it("removes one epoch of one life with its set-aside copies, and nothing else", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "results-"));
    const store = new ResultStore(dir);
    const root = (b: string) => `0x${b.repeat(32)}` as const;
    store.save(result(1n, root("11"), 1));
    store.saveAside(result(1n, root("12"), 1));
    store.save(result(1n, root("21"))); // the same epoch of the first life
    store.save(result(10n, root("31"), 1)); // 10.json starts with "1"
    store.save(result(2n, root("41"), 1));
    assert.equal(store.remove(3, 1n, 1), 2);
    assert.deepEqual(readdirSync(path.join(dir, "3", "life-1")).sort(), ["10.json", "2.json"]);
    assert.equal(store.load(3, 1n)?.root, root("21"), "another life's epoch 1 stays");
    assert.equal(store.remove(3, 1n, 1), 0, "idempotent");
    assert.equal(store.remove(4, 1n), 0, "a netuid never stored");
  });

  it("belongs to one deployment: another chain or Settlement is refused, naming both and the fix; a redeploy moves it aside", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "results-"));
    const id = { chainId: 31337, settlement: `0x${"AB".repeat(20)}`, genesisTime: 1_796_297_295 };
    new ResultStore(dir).bind(id);
    new ResultStore(dir).bind({ ...id, settlement: id.settlement.toLowerCase() });
    assert.throws(
      () => new ResultStore(dir).bind({ ...id, chainId: 945 }),
      /results in .* are of chain 31337 \(Settlement 0xabab.*\), not of chain 945 .*pass another results directory/,
    );
    assert.throws(
      () => new ResultStore(dir).bind({ ...id, settlement: `0x${"cd".repeat(20)}` }),
      /not of chain 31337 \(Settlement 0xcdcd/,
    );
    // The chain reset and deployed again (same id and addresses, another genesis): the old results are kept aside.
    const store = new ResultStore(dir);
    store.save(result(0n, `0x${"11".repeat(32)}`));
    const aside = store.bind({ ...id, genesisTime: id.genesisTime + 60 });
    assert.equal(aside, `${dir}.genesis-1796297295`);
    assert.ok(existsSync(path.join(aside!, "3", "0.json")), "the old results moved, not deleted");
    assert.equal(store.load(3, 0n), undefined, "the new deployment starts empty");
    assert.equal(JSON.parse(readFileSync(store.identityFile, "utf8")).genesisTime, id.genesisTime + 60);
    assert.equal(store.bind({ ...id, genesisTime: id.genesisTime + 60 }), undefined, "bound to the new one now");
  });

  it("a directory bound before genesis times were recorded takes the first one, then holds to it", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "results-"));
    const id = { chainId: 31337, settlement: `0x${"ab".repeat(20)}` };
    writeFileSync(path.join(dir, "deployment.json"), `${JSON.stringify(id)}\n`); // the previous version's file
    new ResultStore(dir).bind({ ...id, genesisTime: 100 });
    assert.deepEqual(JSON.parse(readFileSync(path.join(dir, "deployment.json"), "utf8")), { ...id, genesisTime: 100 });
    new ResultStore(dir).bind({ ...id, genesisTime: 100 });
    assert.equal(new ResultStore(dir).bind({ ...id, genesisTime: 101 }), `${dir}.genesis-100`);
  });
});
