import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ArtifactMap } from "hardhat/types/artifacts";
import { z } from "zod";
// Type-only: brings Hardhat's generated ArtifactMap entries for the contracts the CLI reads into scope.
import type {} from "../../artifacts/contracts/interfaces/IEmission.sol/artifacts.js";
import { CliError } from "./errors.js";

/** Environment variable pointing at another Hardhat artifacts directory. */
export const ARTIFACTS_DIR_ENV = "TAO_ARTIFACTS_DIR";

/** The repository's `artifacts/` (this file is offchain/cli/abi.ts). */
export const DEFAULT_ARTIFACTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "artifacts");

/** Fully qualified artifact names, e.g. `contracts/interfaces/IEmission.sol:IEmission`. */
export type QualifiedContractName = Extract<keyof ArtifactMap, `${string}.sol:${string}`>;

const artifactSchema = z.object({
  contractName: z.string(),
  sourceName: z.string(),
  abi: z.array(z.object({ type: z.string() }).passthrough()),
});

const cache = new Map<string, unknown>();

/**
 * The ABI of a compiled contract, read at run time from Hardhat's artifact JSON and typed by Hardhat's generated
 * declarations, so viem checks function names, arguments and return types at compile time.
 */
export async function loadAbi<N extends QualifiedContractName>(
  name: N,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ArtifactMap[N]["abi"]> {
  const [source, contract] = name.split(":") as [string, string];
  const dir = env[ARTIFACTS_DIR_ENV] || DEFAULT_ARTIFACTS_DIR;
  const file = path.join(dir, source, `${contract}.json`);
  const hit = cache.get(file);
  if (hit !== undefined) return hit as ArtifactMap[N]["abi"];
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch {
    throw new CliError(`no ABI for ${contract}: ${file} does not exist; run \`npx hardhat compile\` first`);
  }
  const parsed = artifactSchema.safeParse(JSON.parse(text));
  if (!parsed.success || parsed.data.contractName !== contract) {
    throw new CliError(`${file} is not the Hardhat artifact of ${contract}: run \`npx hardhat compile --force\``);
  }
  cache.set(file, parsed.data.abi);
  // The JSON was produced by the same compilation that generated ArtifactMap's declaration of this ABI.
  return parsed.data.abi as unknown as ArtifactMap[N]["abi"];
}
