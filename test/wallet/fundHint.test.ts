import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HotkeyHasNoGasError } from "../../offchain/miner/registration.js";
import { fundHotkeyCommand, withWalletNames } from "../../offchain/wallet/fundHint.js";

describe("the fund-hotkey hint", () => {
  it("names the network, wallet and hotkey where they are known, and leaves other text alone", () => {
    assert.equal(
      fundHotkeyCommand({ wallet: "alice", hotkey: "miner1", network: "localnet" }),
      "tao --network localnet wallet fund-hotkey --wallet-name alice --wallet-hotkey miner1",
    );
    assert.equal(
      fundHotkeyCommand({ wallet: "alice", hotkey: "miner1" }),
      "tao wallet fund-hotkey --wallet-name alice --wallet-hotkey miner1",
    );
    const err = new HotkeyHasNoGasError("0x00000000000000000000000000000000000000aa");
    assert.match(err.message, /--wallet-name <w> --wallet-hotkey <h>/, "the error itself does not know the names");
    const filled = withWalletNames(err.message, { wallet: "alice", hotkey: "miner1", network: "localnet" });
    assert.match(
      filled,
      /`tao --network localnet wallet fund-hotkey --wallet-name alice --wallet-hotkey miner1`; nothing was burned/,
    );
    assert.doesNotMatch(filled, /<w>|<h>/);
    const names = { wallet: "alice", hotkey: "miner1" };
    assert.equal(withWalletNames("reverted with NotRegistered(1)", names), "reverted with NotRegistered(1)");
  });
});
