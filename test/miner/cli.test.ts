import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { silentLogger } from "../../offchain/log.js";
import { connectMinerChain } from "../../offchain/miner/chain.js";
import type { MinerChain } from "../../offchain/miner/minerChain.js";
import {
  buildMinerDeps,
  buildProgram,
  configFromFlags,
  installShutdown,
  SAME_SIGNAL_MS,
} from "../../offchain/miner/main.js";
import { newKey } from "../axon/helpers.js";

const unused = (): Promise<never> => Promise.reject(new Error("not used in this test"));
const unusedChain: MinerChain = {
  chainId: 1,
  burnCost: unused,
  register: unused,
  serveAxon: unused,
  isRegistered: unused,
  metagraph: unused,
};

const argv = (...a: string[]) => ["node", "main.ts", ...a];

describe("miner CLI", () => {
  it("parses --network --netuid --wallet and the limits into a validated config", () => {
    const flags = buildProgram()
      .exitOverride()
      .parse(
        argv(
          "--network",
          "localnet",
          "--netuid",
          "3",
          "--wallet",
          "alice",
          "--register",
          "--max-burn",
          "0.5",
          "--max-concurrent",
          "2",
          "--rate",
          "2.5",
          "--no-serve",
        ),
      )
      .opts();
    const c = configFromFlags(flags as Parameters<typeof configFromFlags>[0]);
    assert.deepEqual(
      [c.network, c.netuid, c.wallet, c.hotkey, c.register, c.maxBurn, c.serve],
      ["localnet", 3, "alice", "default", true, 500_000_000n, false],
    );
    assert.deepEqual([c.limits.maxConcurrent, c.limits.ratePerSecond], [2, 2.5]);
  });

  it("takes btcli's and tao's spellings of the wallet flags, and --wallets-dir, as the validator does", async () => {
    for (const spelling of [
      ["--wallet", "w", "--hotkey", "h"],
      ["--wallet-name", "w", "--wallet-hotkey", "h"],
    ]) {
      const c = configFromFlags(
        buildProgram()
          .parse(argv("--network", "localnet", "--netuid", "1", ...spelling, "--wallets-dir", "/srv/wallets"))
          .opts() as Parameters<typeof configFromFlags>[0],
      );
      assert.deepEqual([c.wallet, c.hotkey, c.walletsDir], ["w", "h", "/srv/wallets"], spelling.join(" "));
      const seen: (string | undefined)[] = [];
      await buildMinerDeps(c, silentLogger(), async (req) => {
        seen.push(req.walletsDir);
        return { chain: unusedChain, hotkey: newKey().signer };
      });
      assert.deepEqual(seen, ["/srv/wallets"], "the wallets directory reaches the wiring");
    }
  });

  it("rejects a missing required flag and a non-numeric netuid", () => {
    assert.throws(
      () =>
        buildProgram()
          .exitOverride()
          .configureOutput({ writeErr: () => {} })
          .parse(argv("--netuid", "1", "--wallet", "w")),
      /--network/,
    );
    assert.throws(
      () =>
        buildProgram()
          .exitOverride()
          .configureOutput({ writeErr: () => {} })
          .parse(argv("--network", "x", "--netuid", "one", "--wallet", "w")),
      /whole number/,
    );
  });

  it("builds deps through the wiring factory; without a deployment it names the missing file", async () => {
    const c = configFromFlags(
      buildProgram()
        .parse(argv("--network", "localnet", "--netuid", "1", "--wallet", "w"))
        .opts() as Parameters<typeof configFromFlags>[0],
    );
    const saved = process.env.TAO_DEPLOYMENTS_DIR;
    process.env.TAO_DEPLOYMENTS_DIR = mkdtempSync(path.join(tmpdir(), "no-deployments-"));
    try {
      await assert.rejects(
        connectMinerChain({ network: "localnet", netuid: 1, wallet: "w", hotkey: "default" }),
        /no deployment for network localnet/,
      );
    } finally {
      if (saved === undefined) delete process.env.TAO_DEPLOYMENTS_DIR;
      else process.env.TAO_DEPLOYMENTS_DIR = saved;
    }
    const key = newKey();
    const seen: string[] = [];
    const deps = await buildMinerDeps(c, silentLogger(), async (req) => {
      seen.push(`${req.network}/${req.netuid}/${req.wallet}/${req.hotkey}`);
      return { chain: unusedChain, hotkey: key.signer };
    });
    assert.deepEqual(seen, ["localnet/1/w/default"]);
    assert.equal(deps.hotkey.address, key.address);
  });

  it("SIGTERM closes the miner then exits 0; a second signal exits 1 at once, the same Ctrl-C relayed does not", async () => {
    const exits: number[] = [];
    let closes = 0;
    let finish!: () => void;
    let clock = 0;
    const closing = new Promise<void>((r) => (finish = r));
    const remove = installShutdown(
      { close: () => (closes++, closing) },
      silentLogger(),
      (c) => exits.push(c),
      () => clock,
    );
    try {
      process.emit("SIGTERM");
      assert.equal(closes, 1);
      assert.deepEqual(exits, [], "waits for the close");
      clock = SAME_SIGNAL_MS - 1;
      process.emit("SIGINT"); // npm's and tsx's relay of the terminal's one Ctrl-C
      assert.deepEqual(exits, [], "the same signal, relayed: still closing cleanly");
      clock = SAME_SIGNAL_MS;
      process.emit("SIGINT");
      assert.deepEqual(exits, [1]);
      finish();
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(exits, [1, 0]);
      assert.equal(closes, 1);
    } finally {
      remove();
    }
  });
});
