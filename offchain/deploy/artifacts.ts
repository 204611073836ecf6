import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Abi, Hex } from "viem";

/** The repository root (this file lives in offchain/deploy/). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface Artifact {
  contractName: string;
  abi: Abi;
  bytecode: Hex;
}

/** Reads a compiled contract from Hardhat's artifacts/ (run `npx hardhat compile` first). */
export function loadArtifact(contractName: string, sourceName = `contracts/${contractName}.sol`): Artifact {
  const file = path.join(repoRoot, "artifacts", sourceName, `${contractName}.json`);
  if (!existsSync(file)) {
    throw new Error(`artifact ${file} not found: run 'npx hardhat compile' first`);
  }
  const json = JSON.parse(readFileSync(file, "utf8")) as { contractName: string; abi: Abi; bytecode: Hex };
  return { contractName: json.contractName, abi: json.abi, bytecode: json.bytecode };
}
