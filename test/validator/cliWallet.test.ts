import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  buildProgram,
  configFromFlags,
  DEFAULT_HOTKEY,
  mergeWallet,
  type Flags,
} from "../../offchain/validator/main.js";

const parse = (args: string[]): Flags =>
  buildProgram()
    .exitOverride()
    .configureOutput({ writeErr: () => undefined })
    .parse(["node", "validator", "--network", "anvil", "--netuid", "1", ...args])
    .opts<Flags>();

const withFile = (args: string[], file: Record<string, unknown>) =>
  configFromFlags(parse(["--config", "v.json", ...args]), () => JSON.stringify(file));

describe("validator command line: the wallet", () => {
  const file = { wallet: { name: "cold", hotkey: "validator1", path: "/secure/wallets" } };

  it("keeps the config file's wallet when no wallet flag is given", () => {
    assert.deepEqual(withFile([], file).wallet, file.wallet);
  });

  it("overrides only the wallet fields whose flags are given", () => {
    assert.deepEqual(withFile(["--wallet", "v"], file).wallet, {
      name: "v",
      hotkey: "validator1",
      path: "/secure/wallets",
    });
    assert.deepEqual(withFile(["--hotkey", "hk2"], file).wallet, {
      name: "cold",
      hotkey: "hk2",
      path: "/secure/wallets",
    });
    assert.deepEqual(withFile(["--wallets-dir", "/tmp/w"], file).wallet, {
      name: "cold",
      hotkey: "validator1",
      path: "/tmp/w",
    });
  });

  it('has no commander default for --hotkey; the hotkey defaults to "default" only when nothing names one', () => {
    assert.equal(parse(["--wallet", "v"]).hotkey, undefined);
    assert.equal(DEFAULT_HOTKEY, "default");
    assert.deepEqual(configFromFlags(parse(["--wallet", "v"])).wallet, { name: "v", hotkey: "default" });
    assert.deepEqual(withFile(["--wallet", "v"], { wallet: { name: "x" } }).wallet, { name: "v", hotkey: "default" });
  });

  it("takes tao's spellings --wallet-name and --wallet-hotkey too", () => {
    assert.deepEqual(configFromFlags(parse(["--wallet-name", "v", "--wallet-hotkey", "h"])).wallet, {
      name: "v",
      hotkey: "h",
    });
  });

  it("asks for a wallet when neither the flags nor the file name one", () => {
    assert.throws(() => configFromFlags(parse([])), /wallet\.name: no wallet given; pass --wallet <name>/);
    assert.throws(() => withFile([], { wallet: { hotkey: "h" } }), /v\.json.*wallet\.name: no wallet given/s);
  });

  it("leaves a malformed file wallet for the schema to name", () => {
    assert.equal(mergeWallet("oops", { wallet: "v" }), "oops");
    assert.throws(() => withFile(["--wallet", "v"], { wallet: "oops" }), /v\.json.*wallet/s);
    assert.throws(
      () => configFromFlags(parse(["--wallet", "v", "--config", "v.json"]), () => "[1]"),
      /v\.json.*must be a JSON object/s,
    );
  });
});

describe("validator command line: the model", () => {
  it("--model and --embed-model set the open-prompt model over the config file's", () => {
    const c = configFromFlags(parse(["--wallet", "v", "--model", "llama3.2:1b"]));
    assert.deepEqual(c.model, { name: "llama3.2:1b", embedModel: "nomic-embed-text" });
    assert.deepEqual(c.taskMix, { verifiable: 0.5, open: 0.5 }, "a model brings open prompts in");
    const over = withFile(["--wallet", "v", "--embed-model", "mxbai-embed-large"], {
      model: { name: "qwen2.5:0.5b", host: "http://gpu:11434" },
    });
    assert.deepEqual(over.model, { name: "qwen2.5:0.5b", embedModel: "mxbai-embed-large", host: "http://gpu:11434" });
    assert.equal(configFromFlags(parse(["--wallet", "v"])).model, undefined);
  });
});
