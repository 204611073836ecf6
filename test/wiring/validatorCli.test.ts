import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildProgram, configFromFlags, type Flags } from "../../offchain/validator/main.js";
import { createWeightsCodec } from "../../offchain/validator/adapters/weightsCodec.js";
import { commitHash, packWeights } from "../../offchain/weights/index.js";

const parse = (args: string[]) =>
  buildProgram()
    .exitOverride()
    .parse(["node", "validator", ...args])
    .opts<Flags>();

describe("validator command line", () => {
  it("repeats --netuid, merges flags over the config file", () => {
    const flags = parse([
      "--network",
      "anvil",
      "--netuid",
      "1",
      "--netuid",
      "3",
      "--wallet",
      "v",
      "--timeout-ms",
      "900",
      "--config",
      "c.json",
      "--metrics-port",
      "9464",
    ]);
    const config = configFromFlags(flags, () => JSON.stringify({ timeoutMs: 5000, roundIntervalMs: 10 }));
    assert.deepEqual(config.netuids, [1, 3]);
    assert.equal(config.timeoutMs, 900, "a flag beats the file");
    assert.equal(config.roundIntervalMs, 10, "the file beats the default");
    assert.deepEqual(config.wallet, { name: "v", hotkey: "default" });
    assert.deepEqual([config.metricsPort, config.metricsHost], [9464, "127.0.0.1"]);
    assert.equal(
      configFromFlags(parse(["--network", "anvil", "--netuid", "1", "--wallet", "v"])).metricsPort,
      undefined,
    );
  });

  it("names the bad value", () => {
    assert.throws(
      () => configFromFlags(parse(["--network", "anvil", "--netuid", "0", "--wallet", "v"])),
      /netuids\.0: netuid 0 is the root subnet/,
    );
    assert.throws(
      () =>
        configFromFlags(
          parse(["--network", "anvil", "--netuid", "1", "--wallet", "v", "--config", "x.json"]),
          () => "{",
        ),
      /x\.json.*JSON/s,
    );
    assert.throws(
      () => parse(["--network", "anvil", "--netuid", "one", "--wallet", "v"]),
      /--netuid must be a whole number/,
    );
  });
});

describe("weights codec adapter", () => {
  const codec = createWeightsCodec();
  it("normalises to max-upscaled u16, drops zeros, packs and round-trips", () => {
    const { uids, values } = codec.normalise([4, 2, 3], [0.25, 1, 0]);
    assert.deepEqual(uids, [2, 4]);
    assert.deepEqual(values, [65535, 16384]);
    assert.deepEqual(codec.unpack(codec.pack(uids, values)), { uids, values });
  });
  it("hashes exactly as offchain/weights does, with fresh 32-byte salts", () => {
    const salt = codec.randomSalt();
    assert.match(salt, /^0x[0-9a-f]{64}$/);
    assert.notEqual(salt, codec.randomSalt());
    const hotkey = "0x000000000000000000000000000000000000dEaD";
    assert.equal(
      codec.commitHash({ hotkey, netuid: 1, uids: [2], values: [65535], salt, versionKey: 7n }),
      commitHash({ hotkey, netuid: 1, packedWeights: packWeights([{ uid: 2, value: 65535 }]), salt, versionKey: 7n }),
    );
  });
});
