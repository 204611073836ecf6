import assert from "node:assert/strict";
import { describe, it } from "node:test";
import hre from "hardhat";
import { toFunctionSelector, type Abi, type AbiFunction } from "viem";

// The registry answers at one address with SubnetRegistry's functions plus its extension's (delegatecall): the
// union must cover ISubnetRegistry exactly, and both contracts must fit EIP-170 / EIP-3860.
function selectors(abi: Abi): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of abi) {
    if (item.type !== "function") continue;
    const f = item as AbiFunction;
    out.set(toFunctionSelector(f), `${f.name}(${f.inputs.map((i) => i.type).join(",")})`);
  }
  return out;
}

describe("registry ABI and size", async () => {
  const main = await hre.artifacts.readArtifact("SubnetRegistry");
  const ext = await hre.artifacts.readArtifact("SubnetRegistryExtension");
  const iface = await hre.artifacts.readArtifact("ISubnetRegistry");

  it("every ISubnetRegistry function is served by the registry or its extension", () => {
    const m = selectors(main.abi as Abi);
    const e = selectors(ext.abi as Abi);
    for (const [sel, sig] of selectors(iface.abi as Abi)) {
      assert.ok(m.has(sel) || e.has(sel), `missing ${sig}`);
    }
  });

  it("functions in both are only the shared base getters (the registry's own copy answers)", () => {
    const m = selectors(main.abi as Abi);
    const shared = [...selectors(ext.abi as Abi)].filter(([sel]) => m.has(sel)).map(([, sig]) => sig.split("(")[0]);
    const allowed = new Set([
      "owner",
      "pendingOwner",
      "transferOwnership",
      "acceptOwnership",
      "renounceOwnership",
      "eip712Domain",
      "REGISTER_TYPEHASH",
      "CREATE_SUBNET_TYPEHASH",
      "tao",
      "genesisTime",
    ]);
    for (const name of shared) assert.ok(allowed.has(name), `${name} is implemented twice`);
  });

  it("runtime code under 24,576 bytes and the registry's init code under 49,152 bytes", () => {
    const size = (hex: string): number => (hex.length - 2) / 2;
    assert.ok(size(main.deployedBytecode) <= 24_576, `SubnetRegistry runtime ${size(main.deployedBytecode)}`);
    assert.ok(size(ext.deployedBytecode) <= 24_576, `SubnetRegistryExtension runtime ${size(ext.deployedBytecode)}`);
    assert.ok(size(main.bytecode) <= 49_152, `SubnetRegistry init code ${size(main.bytecode)}`);
  });
});
