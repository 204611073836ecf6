import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { slotsAsDuration } from "../../offchain/cli/commands/emission.js";
import { CliError, formatError, oneLine } from "../../offchain/cli/errors.js";
import { formatInt, formatTao, renderTable, toJson } from "../../offchain/cli/output.js";
import { WalletError } from "../../offchain/wallet/errors.js";

describe("CLI output helpers", () => {
  it("formats rao as TAO with all 9 decimals, exactly", () => {
    assert.equal(formatTao(0n), "0.000000000");
    assert.equal(formatTao(1n), "0.000000001");
    assert.equal(formatTao(1_000_000_000n), "1.000000000");
    assert.equal(formatTao(21_000_000_000_000_000n), "21,000,000.000000000");
    assert.equal(formatTao(20_999_999_999_999_999n), "20,999,999.999999999");
    assert.equal(formatTao(-1_500_000_000n), "-1.500000000");
    assert.equal(formatInt(10_500_000n), "10,500,000");
  });

  it("writes bigints in JSON as decimal strings", () => {
    assert.equal(
      toJson({ a: 2n ** 70n, b: [1n], c: "x" }),
      '{\n  "a": "1180591620717411303424",\n  "b": [\n    "1"\n  ],\n  "c": "x"\n}',
    );
  });

  it("renders plain tables without colour codes", () => {
    const t = renderTable(["A", "B"], [["1", "2"]]);
    assert.match(t, /│ A │ B │/);
    assert.doesNotMatch(t, /\u001b\[/);
  });

  it("prints every error as one line; unexpected ones point at DEBUG=1", () => {
    assert.equal(formatError(new CliError("bad\n  thing")), "error: bad thing");
    assert.equal(
      formatError(new WalletError("wrong password for wallet a (coldkey.json): x")),
      "error: wrong password for wallet a (coldkey.json): x",
    );
    assert.equal(
      formatError(new TypeError("boom\nmore")),
      "error: boom more (unexpected; rerun with DEBUG=1 for the stack trace)",
    );
    const viemLike = Object.assign(new Error("long\ndump\nof details"), { shortMessage: "HTTP request failed." });
    assert.equal(
      formatError(viemLike),
      "error: HTTP request failed. (unexpected; rerun with DEBUG=1 for the stack trace)",
    );
    assert.equal(oneLine("a\n\n b \n"), "a b");
  });

  it("turns slots into an approximate duration with integer arithmetic", () => {
    assert.equal(slotsAsDuration(10_500_000n), "≈ 1,458.3 days");
    assert.equal(slotsAsDuration(5n), "≈ 1 min");
    assert.equal(slotsAsDuration(600n), "≈ 2 h");
  });
});
