import assert from "node:assert/strict";
import os from "node:os";
import path from "node:path";
import { writeFileSync } from "node:fs";
import { describe, it } from "node:test";
import { ConfigError, loadConfig, parseConfig, subnetSettings } from "../../offchain/validator/config.js";
import { tempFile } from "../store/helpers.js";

const minimal = { network: "localhost", netuids: [1], wallet: { name: "default", hotkey: "default" } };

function issues(input: unknown): string[] {
  try {
    parseConfig(input, "test.json");
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /^Invalid validator config \(test\.json\)/);
    return e.issues;
  }
  assert.fail("config was accepted");
}

describe("validator config", () => {
  it("fills defaults", () => {
    const c = parseConfig(minimal);
    assert.deepEqual(
      [c.sample, c.timeoutMs, c.emaAlpha, c.taskMix, c.confirmations, c.model],
      ["all", 12_000, 0.1, { verifiable: 1, open: 0 }, 2, undefined],
    );
  });

  it("keeps each wallet, hotkey and network's state apart by default; a given --db is made absolute", () => {
    const at = (over: Record<string, unknown>) => parseConfig({ ...minimal, ...over }).dbPath;
    const home = os.homedir();
    assert.equal(
      at({ network: "localnet", wallet: { name: "alice", hotkey: "v1" } }),
      path.join(home, ".bittensor-evm", "validators", "alice", "v1", "localnet", "validator.db"),
    );
    assert.notEqual(at({ network: "sepolia" }), at({ network: "localnet" }), "one store per network");
    assert.notEqual(
      at({ wallet: { name: "alice", hotkey: "a" } }),
      at({ wallet: { name: "alice", hotkey: "b" } }),
      "one store per hotkey",
    );
    assert.ok(
      at({ network: "../../etc" }).startsWith(path.join(home, ".bittensor-evm", "validators")),
      "a name cannot leave the directory",
    );
    assert.equal(at({ dbPath: "state/v.db" }), path.resolve("state/v.db"));
    assert.equal(at({ dbPath: "~/v.db" }), path.join(home, "v.db"));
  });

  it("names each bad value, its path and the fix", () => {
    const got = issues({
      ...minimal,
      netuids: [0, 1, 1],
      timeoutMs: 5,
      emaAlpha: 0,
      sample: { count: 0 },
      bogus: true,
    });
    const text = got.join("\n");
    assert.match(text, /netuids\.0: netuid 0 is the root subnet.*\(got 0\)/);
    assert.match(text, /netuids: netuids must not repeat \(got \[0,1,1\]\)/);
    assert.match(text, /timeoutMs: .*100.*\(got 5\)/);
    assert.match(text, /emaAlpha: .*\(got 0\)/);
    assert.match(text, /\(top level\): Unrecognized key\(s\) in object: 'bogus'/);
    assert.match(issues({ network: "x" }).join("\n"), /netuids: Required/);
  });

  it("requires a model for open prompts, including per-subnet mixes", () => {
    assert.match(
      issues({ ...minimal, taskMix: { verifiable: 0.8, open: 0.2 } }).join("\n"),
      /taskMix\.open: open is 0\.2 but no model is configured; set model\.name/,
    );
    assert.match(
      issues({ ...minimal, subnets: { "1": { taskMix: { verifiable: 0, open: 1 } } } }).join("\n"),
      /subnets\.1\.taskMix\.open: open is 1 but no model/,
    );
    const ok = parseConfig({ ...minimal, taskMix: { verifiable: 0.8, open: 0.2 }, model: { name: "llama3.2:1b" } });
    assert.equal(ok.model?.embedModel, "nomic-embed-text");
    assert.match(
      issues({ ...minimal, taskMix: { verifiable: 0, open: 0 } }).join("\n"),
      /verifiable \+ open must be > 0/,
    );
  });

  it("draws half open prompts by default once it has a model (code answers verifiable tasks exactly)", () => {
    assert.deepEqual(parseConfig(minimal).taskMix, { verifiable: 1, open: 0 }, "no model: verifiable only");
    const withModel = parseConfig({ ...minimal, model: { name: "llama3.2:1b" } });
    assert.deepEqual(withModel.taskMix, { verifiable: 0.5, open: 0.5 });
    assert.deepEqual(subnetSettings(withModel, 1).taskMix, { verifiable: 0.5, open: 0.5 });
    const chosen = parseConfig({ ...minimal, model: { name: "m" }, taskMix: { verifiable: 1, open: 0 } });
    assert.deepEqual(chosen.taskMix, { verifiable: 1, open: 0 }, "a mix given is kept");
  });

  it("applies per-subnet overrides and rejects unknown subnets", () => {
    const c = parseConfig({ ...minimal, netuids: [1, 2], subnets: { "2": { sample: { count: 8 }, timeoutMs: 3000 } } });
    assert.deepEqual(subnetSettings(c, 1).sample, "all");
    assert.deepEqual([subnetSettings(c, 2).sample, subnetSettings(c, 2).timeoutMs], [{ count: 8 }, 3000]);
    assert.throws(() => subnetSettings(c, 3), /netuid 3 is not configured/);
    assert.match(
      issues({ ...minimal, subnets: { "9": {} } }).join("\n"),
      /subnets\.9: netuid 9 is not in netuids \[1\]/,
    );
  });

  it("refuses values that validate as numbers but would never work", () => {
    const kinds = { arithmetic: 0, units: 0, string: 0, date: 0 };
    assert.match(
      issues({ ...minimal, taskMix: { verifiable: 1, open: 0, kinds } }).join("\n"),
      /taskMix\.kinds: every verifiable kind has weight 0 while verifiable is 1: .*give at least one of arithmetic, units, string, date a weight > 0/,
    );
    assert.match(
      issues({ ...minimal, subnets: { "1": { taskMix: { verifiable: 1, open: 0, kinds } } } }).join("\n"),
      /subnets\.1\.taskMix\.kinds: every verifiable kind has weight 0/,
    );
    // Kinds left out keep their default weight; with verifiable 0 the kinds do not matter.
    parseConfig({ ...minimal, taskMix: { verifiable: 1, open: 0, kinds: { arithmetic: 0 } } });
    parseConfig({ ...minimal, model: { name: "m" }, taskMix: { verifiable: 0, open: 1, kinds } });
    assert.match(
      issues({ ...minimal, subnets: { "01": { timeoutMs: 3000 } } }).join("\n"),
      /subnets\.01: keys must be netuids written as plain decimal numbers without leading zeros \(e\.g\. "1"\)/,
    );
    assert.match(
      issues({ ...minimal, maxSettleBacklog: 0 }).join("\n"),
      /maxSettleBacklog: must be at least 1: with 0 no closed epoch is ever settled \(got 0\)/,
    );
    assert.match(
      issues({ ...minimal, maxSettleBacklog: 20, keepEpochs: 20 }).join("\n"),
      /keepEpochs: keepEpochs 20 must be more than maxSettleBacklog 20 .*raise keepEpochs to at least 21/,
    );
    assert.equal(parseConfig(minimal).keepEpochs, 64);
    assert.match(
      issues({ ...minimal, roundIntervalMs: 2 ** 31 }).join("\n"),
      /roundIntervalMs: must be at most 2147483647 \(2\^31 − 1 ms.*Node's timer limit\) \(got 2147483648\)/,
    );
    assert.equal(parseConfig({ ...minimal, roundIntervalMs: 2 ** 31 - 1 }).roundIntervalMs, 2 ** 31 - 1);
  });

  it("loads a JSON file, naming it in errors", () => {
    const file = tempFile("validator.json");
    writeFileSync(file, JSON.stringify(minimal));
    assert.equal(loadConfig(file).network, "localhost");
    writeFileSync(file, "{ not json");
    assert.throws(
      () => loadConfig(file),
      (e: unknown) => e instanceof ConfigError && e.message.includes(file) && /not valid JSON/.test(e.message),
    );
    assert.throws(() => loadConfig(`${file}.missing`), /cannot read the file/);
  });
});
