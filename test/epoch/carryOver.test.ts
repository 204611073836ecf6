import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { carryOver, type PreviousResult } from "../../offchain/epoch/inputs.js";

const previous: PreviousResult = {
  bonds: [[[1, 65535]], [], [[1, 1000]]],
  permitsBitmap: 0b101n, // uids 0 and 2
  closeSlot: 100n,
};

describe("epoch inputs: what a uid carries over from the previous result", () => {
  it("the occupant at the previous close keeps its bonds row and permit", () => {
    const c = carryOver(previous, 2, 40n, [90n, true]);
    assert.deepEqual(c, { lastUpdate: 90n, blockAtRegistration: 40n, validatorPermit: true, bonds: [[1, 1000]] });
    assert.equal(carryOver(previous, 1, 40n, [90n, true]).validatorPermit, false, "no permit bit");
  });

  it("a uid re-registered after that close starts with no bonds and no permit", () => {
    const c = carryOver(previous, 2, 101n, [120n, true]);
    assert.deepEqual(c, { lastUpdate: 120n, blockAtRegistration: 101n, validatorPermit: false, bonds: [] });
  });

  it("last update: the later of the hotkey's last weights and its registration", () => {
    assert.equal(carryOver(previous, 0, 50n, [30n, true]).lastUpdate, 50n, "weights from before it took the uid");
    assert.equal(carryOver(previous, 0, 50n, [0n, false]).lastUpdate, 50n, "never set weights");
    assert.equal(carryOver(previous, 0, 50n, [60n, true]).lastUpdate, 60n);
  });

  it("before any finalised result: nothing carries over", () => {
    assert.deepEqual(carryOver(undefined, 0, 5n, [7n, true]), {
      lastUpdate: 7n,
      blockAtRegistration: 5n,
      validatorPermit: false,
      bonds: [],
    });
  });
});
