import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ContractFunctionExecutionError, ContractFunctionRevertedError, encodeErrorResult, parseAbi } from "viem";
import { customErrorText, decodeRevert, revertName } from "../../offchain/chain/revert.js";
import { revertLine } from "../../offchain/cli/revertHints.js";
import { reason } from "../../offchain/validator/adapters/protocol.js";

const abi = parseAbi(["error BurnTooHigh(uint256 cost, uint256 maxBurn)", "function register()"]);
const data = encodeErrorResult({ abi, errorName: "BurnTooHigh", args: [7n, 5n] });
/** As viem throws it from writeContract / simulateContract: the revert wrapped in an execution error. */
const wrapped = (cause: ContractFunctionRevertedError) =>
  new ContractFunctionExecutionError(cause, { abi, functionName: "register" });

describe("decodeRevert: one decoder for the CLI's hints, the workers' reasons and error-name checks", () => {
  it("reads a custom error's name and values, in order and by name, through viem's wrapping", () => {
    const err = wrapped(new ContractFunctionRevertedError({ abi, data, functionName: "register" }));
    const r = decodeRevert(err);
    assert.deepEqual(r, {
      kind: "custom",
      errorName: "BurnTooHigh",
      args: [7n, 5n],
      named: { cost: 7n, maxBurn: 5n },
    });
    assert.equal(revertName(err), "BurnTooHigh");
    assert.equal(r?.kind === "custom" && customErrorText(r), "BurnTooHigh(7, 5)");
    // The worker's reason and the CLI's line say the same.
    assert.equal(reason(err), "reverted with BurnTooHigh(7, 5)");
    assert.match(revertLine("register", err)!, /^register reverted with BurnTooHigh\(7, 5\): /);
  });

  it("names the selector of an error the ABI lacks, and leaves anything that is not a revert alone", () => {
    const unknown = wrapped(
      new ContractFunctionRevertedError({ abi: parseAbi(["function register()"]), data, functionName: "register" }),
    );
    const r = decodeRevert(unknown);
    assert.equal(r?.kind, "unknown");
    assert.equal(r?.kind === "unknown" && r.signature, data.slice(0, 10));
    assert.equal(revertName(unknown), undefined);
    assert.equal(reason(unknown), `reverted with unknown error ${data.slice(0, 10)}`);
    assert.match(
      revertLine("register", unknown)!,
      new RegExp(`unknown error ${data.slice(0, 10)}: not in this version's ABI`),
    );
    for (const e of [new Error("socket hang up"), "text", undefined]) {
      assert.equal(decodeRevert(e), undefined);
      assert.equal(revertLine("x", e), undefined);
    }
  });
});
