import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mintsFirst } from "../../offchain/chain/coinbaseHeadroom.js";

describe("mintsFirst: which calls may run the coinbase", () => {
  const contracts = {
    Staking: "0x00000000000000000000000000000000000000aa",
    Emission: "0x00000000000000000000000000000000000000bb",
    Settlement: "0x00000000000000000000000000000000000000cc",
  } as const;

  it("subnet trades, the coinbase itself, routing emission, opens and roll-overs", () => {
    for (const f of ["stake", "unstake", "unstakeAll", "moveStake", "transferStake"])
      assert.equal(mintsFirst(contracts.Staking, f, contracts), true, f);
    assert.equal(mintsFirst(contracts.Emission, "coinbase", contracts), true);
    assert.equal(mintsFirst(contracts.Emission, "setReceiver", contracts), true);
    assert.equal(mintsFirst(contracts.Settlement, "openEpoch", contracts), true);
    assert.equal(mintsFirst(contracts.Settlement, "rollOver", contracts), true);
  });

  it("not other calls, nor a minting name on another contract, nor a contract the sender left out", () => {
    assert.equal(mintsFirst(contracts.Staking, "setDelegateTake", contracts), false);
    assert.equal(mintsFirst(contracts.Settlement, "claimBatch", contracts), false);
    assert.equal(mintsFirst(contracts.Settlement, "stake", contracts), false);
    assert.equal(mintsFirst(contracts.Emission, "coinbase", { Staking: contracts.Staking }), false);
  });

  it("compares addresses whatever their case", () => {
    const upper = "0x00000000000000000000000000000000000000AA" as const;
    assert.equal(mintsFirst(upper, "stake", contracts), true);
  });
});
