import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { ContractFunctionRevertedError, encodeErrorResult, type Abi, type AbiParameter } from "viem";
import { HINTS, hintFor, INTERNAL_ERRORS, KNOWN_ERRORS, revertLine } from "../../offchain/cli/revertHints.js";
import { EPOCH_STATUSES, NET_PARAMS, PARAMS } from "../../offchain/cli/params.js";

/** A value of the ABI type, distinct per position so a hint that swaps two values shows it. */
function sample(p: AbiParameter, i: number): unknown {
  if (p.type === "address") return `0x${String(i + 1).padStart(40, "0")}`;
  if (p.type === "bool") return true;
  if (p.type === "string") return "x";
  if (p.type.startsWith("bytes")) return `0x${"ab".repeat(Number(p.type.slice(5)) || 32)}`;
  if (p.type.startsWith("int")) return -BigInt(i + 3);
  if (p.type === "uint8") return i + 1; // enums: a valid member
  if (/^uint(16|24|32|48)$/.test(p.type)) return i + 5;
  return BigInt(i + 5) * 1_000_000_000n;
}

describe("revert hints", () => {
  const names = new Set(KNOWN_ERRORS.map((e) => e.name));

  it("explain every custom error of the contracts the CLI calls, or call it internal", () => {
    const unexplained = [...names].filter((n) => !(n in HINTS) && !INTERNAL_ERRORS.has(n));
    assert.deepEqual(unexplained, [], "each new custom error needs a hint in HINTS or a place in INTERNAL_ERRORS");
    assert.deepEqual(
      Object.keys(HINTS).filter((n) => INTERNAL_ERRORS.has(n)),
      [],
      "an error is hinted or internal, not both",
    );
    assert.deepEqual(
      [...Object.keys(HINTS), ...INTERNAL_ERRORS].filter((n) => !names.has(n)),
      [],
      "no entry for an error the contracts do not have",
    );
  });

  it("render every variant of every error with its values and nothing undefined", () => {
    for (const error of KNOWN_ERRORS) {
      const named = Object.fromEntries(error.inputs.map((p, i) => [p.name, sample(p, i)]));
      const text = hintFor(error.name, named);
      assert.doesNotMatch(text, /undefined|NaN|\[object|#\d/, `${error.name}: ${text}`);
      if (error.name in HINTS)
        assert.match(text, /: |nothing to do|fund|approve|report/, `${error.name} says what to do`);
    }
  });

  it("decode a revert into the error, its values and the hint, naming enum members", () => {
    const registry = KNOWN_ERRORS.filter((e) => e.name === "ValueOutOfBounds") as Abi;
    const data = encodeErrorResult({ abi: registry, errorName: "ValueOutOfBounds", args: [1, 5000n, 0n, 4096n] });
    const err = new ContractFunctionRevertedError({ abi: registry, data, functionName: "setHyperparam" });
    assert.equal(
      revertLine("setHyperparam ImmunityPeriod", err),
      "setHyperparam ImmunityPeriod reverted with ValueOutOfBounds(1, 5000, 0, 4096): ImmunityPeriod 5000 is outside 0..4096: pass a value in that range",
    );
    const internal = KNOWN_ERRORS.filter((e) => e.name === "DependencyNotSet") as Abi;
    const d2 = encodeErrorResult({ abi: internal, errorName: "DependencyNotSet", args: [`0x${"00".repeat(32)}`] });
    assert.match(
      revertLine("register", new ContractFunctionRevertedError({ abi: internal, data: d2, functionName: "register" }))!,
      /DependencyNotSet\(0x0+\): an internal check of the contracts failed.*report it/,
    );
    assert.equal(revertLine("x", new Error("plain")), undefined, "not a revert: left to the caller");
    // A consent in the old layout: its signature's first bytes read as a life the subnet never had.
    assert.match(
      hintFor("HotkeySignatureWrongGeneration", { netuid: 1, signedGeneration: 0x8f3a21c0, generation: 0 }),
      /never had \(life 0 now\): it was made by an older client, without the generation field/,
    );
    assert.match(
      hintFor("HotkeySignatureWrongGeneration", { netuid: 1, signedGeneration: 0, generation: 1 }),
      /consented to life 0 of subnet 1, which was dissolved and created again \(life 1 now\)/,
    );
  });
});

describe("enum names", () => {
  /** The members of `enum <name> { … }` in a Solidity source, comments dropped. */
  function members(file: string, name: string): string[] {
    const src = readFileSync(new URL(`../../contracts/interfaces/${file}`, import.meta.url), "utf8");
    const body = new RegExp(`enum ${name} \\{([^}]*)\\}`).exec(src)?.[1];
    assert.ok(body, `enum ${name} in ${file}`);
    return body
      .replace(/\/\/[^\n]*/g, "")
      .split(",")
      .map((m) => m.trim())
      .filter((m) => m !== "");
  }

  it("match the contracts' enums in order", () => {
    assert.deepEqual([...PARAMS], members("ISubnetRegistry.sol", "Param"));
    assert.deepEqual([...NET_PARAMS], members("ISubnetRegistry.sol", "NetParam"));
    assert.deepEqual([...EPOCH_STATUSES], members("ISettlement.sol", "EpochStatus"));
  });
});
