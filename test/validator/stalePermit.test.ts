import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasStalePermit } from "../../offchain/validator/adapters/chainPort.js";

describe("hasStalePermit: a finalised permit held by a hotkey registered after its close (Settlement widens)", () => {
  const rows = [
    { uid: 0, registrationSlot: 900n }, // the owner's uid: never changes hands, whatever its slot reads
    { uid: 1, registrationSlot: 10n },
    { uid: 2, registrationSlot: 500n },
    { uid: 3, registrationSlot: 700n },
  ];
  const CLOSE = 600n;

  it("a permitted uid registered after the close is stale", () => {
    assert.equal(hasStalePermit(rows, 0b1011n, CLOSE), true, "uid 3 (slot 700) holds a bit");
  });

  it("permitted uids held since the close, or a late uid without a bit, are not", () => {
    assert.equal(hasStalePermit(rows, 0b0111n, CLOSE), false, "uids 0-2 held since before 600");
    assert.equal(hasStalePermit(rows, 0b0011n, CLOSE), false, "uid 3 late but not permitted");
    assert.equal(hasStalePermit(rows, 0b0001n, CLOSE), false, "uid 0 is never stale");
    assert.equal(hasStalePermit(rows, 0b1000n, 700n), false, "registered at the close itself is held");
  });
});
