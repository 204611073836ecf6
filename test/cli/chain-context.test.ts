import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { PassThrough } from "node:stream";
import type { Address } from "viem";
import {
  loadHotkey,
  MAX_SUPPLY_RAO,
  parseAddress,
  parseTao,
  requireGas,
  signerNames,
  type Protocol,
} from "../../offchain/cli/chain-context.js";
import { CliContext } from "../../offchain/cli/context.js";
import { WalletStore } from "../../offchain/wallet/wallet-store.js";

const CHECKSUMMED = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

describe("chain-context parsing", () => {
  it("takes an address in lower case, upper case or with its right checksum", () => {
    assert.equal(parseAddress(CHECKSUMMED.toLowerCase(), "--dest"), CHECKSUMMED);
    assert.equal(parseAddress(`0x${CHECKSUMMED.slice(2).toUpperCase()}`, "--dest"), CHECKSUMMED);
    assert.equal(parseAddress(CHECKSUMMED, "--dest"), CHECKSUMMED);
  });

  it("refuses mixed case whose EIP-55 checksum is wrong, naming the value and the fix", () => {
    const flipped = `${CHECKSUMMED.slice(0, 5)}f${CHECKSUMMED.slice(6)}`; // one letter's case changed: F -> f
    assert.throws(
      () => parseAddress(flipped, "--dest"),
      (e: Error) =>
        e.name === "CliError" &&
        e.message ===
          `--dest ${flipped} has a wrong EIP-55 checksum (its mix of upper and lower case does not match its digits): ` +
            "copy the address again, or write it all in lower case",
    );
  });

  it("takes amounts up to the 21,000,000 supply cap and refuses more in one line", () => {
    assert.equal(MAX_SUPPLY_RAO, 21_000_000_000_000_000n);
    assert.equal(parseTao("21000000", "--amount"), MAX_SUPPLY_RAO);
    assert.equal(parseTao("1.5", "--amount"), 1_500_000_000n);
    for (const raw of [
      "21000000.000000001",
      "99999999999999999999999999999999999999999999999999999999999999999999999",
    ]) {
      assert.throws(
        () => parseTao(raw, "--amount"),
        (e: Error) =>
          e.name === "CliError" &&
          e.message ===
            `--amount ${raw} is above the supply cap of 21,000,000 (of TAO, and of each subnet's alpha): pass a smaller amount`,
      );
    }
  });
});

describe("requireGas", () => {
  let dir: string;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "tao-cli-gas-"));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** A connected protocol whose node says every balance is 0. */
  const broke = { client: { getBalance: async () => 0n }, network: { name: "localnet" } } as unknown as Protocol;

  it("names the hotkey's wallet, hotkey and network in the fund-hotkey hint", async () => {
    const walletsDir = path.join(dir, "wallets");
    await new WalletStore(walletsDir, { TAO_KEYSTORE_SCRYPT_N: "1024" }).createWallet({
      name: "alice",
      password: "correct horse battery",
      hotkey: "miner1",
    });
    const stdin = Object.assign(new PassThrough(), { isTTY: false as const });
    const io = { stdout: { write: () => true }, stderr: { write: () => true }, stdin, env: {} };
    const ctx = new CliContext({ network: "localnet", json: true, yes: true, walletsDir }, io);
    const opts = { walletName: "alice", walletHotkey: "miner1" };
    const hotkey = await loadHotkey(ctx, opts);
    // As the commands call it: with the names the hotkey was loaded under.
    await assert.rejects(
      requireGas(broke, hotkey.address, "hotkey", signerNames(opts, ctx.io.env)),
      new RegExp(
        `^CliError: hotkey ${hotkey.address} has no localnet native balance to pay gas: send it some from its coldkey: ` +
          "`tao --network localnet wallet fund-hotkey --wallet-name alice --wallet-hotkey miner1`$",
      ),
    );
  });

  it("uses names it is given, and placeholders for an address it never loaded", async () => {
    const stranger: Address = "0x0000000000000000000000000000000000000001";
    await assert.rejects(
      requireGas(broke, stranger, "hotkey", { wallet: "bob", hotkey: "v1" }),
      /`tao --network localnet wallet fund-hotkey --wallet-name bob --wallet-hotkey v1`$/,
    );
    await assert.rejects(
      requireGas(broke, stranger, "hotkey"),
      /`tao wallet fund-hotkey --wallet-name <w> --wallet-hotkey <h>`$/,
    );
    await assert.rejects(requireGas(broke, stranger, "coldkey"), /native balance to pay gas: send it some first$/);
  });
});
