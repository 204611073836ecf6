import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { getAddress, isAddress, type Address } from "viem";
import { z } from "zod";

/**
 * `deployments/<network>.json`: the one place workers and the CLI read contract addresses from. The deploy
 * script writes it with {@link writeDeployment}; everything else reads it with {@link readDeployment}.
 */

/** Environment variable pointing at another deployments directory (tests, several checkouts sharing one). */
export const DEPLOYMENTS_DIR_ENV = "TAO_DEPLOYMENTS_DIR";

/** The repository's `deployments/` folder (this file is offchain/chain/deployments.ts). */
export const DEFAULT_DEPLOYMENTS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "deployments",
);

/** Contracts every deployment has, and those later milestones add. */
export const REQUIRED_CONTRACTS = ["TAO", "Emission"] as const;
export const OPTIONAL_CONTRACTS = ["SubnetRegistry", "Staking", "Weights", "Settlement"] as const;
export type ContractName = (typeof REQUIRED_CONTRACTS)[number] | (typeof OPTIONAL_CONTRACTS)[number];

/** A failure reading or validating a deployments file; the message names the file, the field and the fix. */
export class DeploymentError extends Error {
  override readonly name = "DeploymentError";
}

const address = z
  .string({ required_error: "is missing", invalid_type_error: "must be a 0x address string" })
  .refine((v) => isAddress(v, { strict: false }), "is not a 0x-prefixed 20-byte address")
  .transform((v): Address => getAddress(v));

/** Non-negative integers, written as JSON numbers (or decimal strings past 2^53), read as bigint. */
const uint = z
  .union([z.number(), z.string(), z.bigint()], {
    errorMap: (_issue, ctx) => ({ message: ctx.data === undefined ? "is missing" : "must be a non-negative integer" }),
  })
  .superRefine((v, ctx) => {
    const ok =
      typeof v === "bigint" ? v >= 0n : typeof v === "number" ? Number.isSafeInteger(v) && v >= 0 : /^\d+$/.test(v);
    if (!ok) ctx.addIssue({ code: z.ZodIssueCode.custom, message: "must be a non-negative integer" });
  })
  .transform((v) => BigInt(v));

const contractsSchema = z
  .object({
    TAO: address,
    Emission: address,
    SubnetRegistry: address.optional(),
    Staking: address.optional(),
    Weights: address.optional(),
    Settlement: address.optional(),
  })
  // Contracts added later by other milestones are kept and validated as addresses too.
  .catchall(address);

export const deploymentSchema = z
  .object({
    network: z.string({ required_error: "is missing" }).min(1),
    chainId: z.number({ required_error: "is missing" }).int().positive(),
    rpcUrl: z.string().url().optional(),
    genesisTime: uint,
    deploymentBlock: uint,
    contracts: contractsSchema,
  })
  // Extra top-level fields (deployer, commit, ...) are preserved on rewrite.
  .passthrough();

export type Deployment = z.output<typeof deploymentSchema>;

/** A deployment and the file it came from (for error messages). */
export type LoadedDeployment = Deployment & { readonly file: string };

/** The deployments directory: `dir`, else `TAO_DEPLOYMENTS_DIR`, else the repository's `deployments/`. */
export function deploymentsDir(dir?: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(dir ?? (env[DEPLOYMENTS_DIR_ENV] || DEFAULT_DEPLOYMENTS_DIR));
}

export function deploymentPath(network: string, dir?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(network)) {
    throw new DeploymentError(`invalid network name ${JSON.stringify(network)}: use letters, digits, _ and -`);
  }
  return path.join(deploymentsDir(dir, env), `${network}.json`);
}

function deployHint(network: string): string {
  return `run \`npm run deploy -- --network ${network}\``;
}

/** The path as the user would type it: relative to the working directory when inside it. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

/** Validates parsed JSON as the deployment of `network`; errors name `file` and the first bad field. */
export function parseDeployment(json: unknown, network: string, file: string): LoadedDeployment {
  const shown = displayPath(file);
  const parsed = deploymentSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue && issue.path.length > 0 ? issue.path.join(".") : "(root)";
    const message = issue?.message === "Required" ? "is missing" : (issue?.message ?? "is invalid");
    throw new DeploymentError(`${shown}: ${field} ${message}: ${deployHint(network)}`);
  }
  if (parsed.data.network !== network) {
    throw new DeploymentError(
      `${shown}: network is ${JSON.stringify(parsed.data.network)} but the file is for ${JSON.stringify(network)}: ${deployHint(network)}`,
    );
  }
  return { ...parsed.data, file };
}

/** Reads and validates `deployments/<network>.json`. */
export async function readDeployment(
  network: string,
  options: { dir?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<LoadedDeployment> {
  const file = deploymentPath(network, options.dir, options.env);
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (e) {
    if (e instanceof Error && (e as NodeJS.ErrnoException).code === "ENOENT") {
      // `npm start` writes localnet.json: someone on its network who left out --network wants that one.
      const localnet = network !== "localnet" && existsSync(deploymentPath("localnet", options.dir, options.env));
      const hint = localnet
        ? "pass `--network localnet` for the network `npm start` runs, or " + deployHint(network)
        : deployHint(network);
      throw new DeploymentError(
        `no deployment for network ${network}: ${displayPath(file)} does not exist; ${hint} (or set ${DEPLOYMENTS_DIR_ENV})`,
      );
    }
    throw new DeploymentError(`cannot read ${displayPath(file)}: ${e instanceof Error ? e.message : String(e)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DeploymentError(
      `${displayPath(file)} is not valid JSON (${e instanceof Error ? e.message : String(e)}): ${deployHint(network)}`,
    );
  }
  return parseDeployment(json, network, file);
}

/** The address of `name`, or an error saying that this deployment predates that contract. */
export function requireContract(deployment: LoadedDeployment, name: ContractName): Address {
  const found = deployment.contracts[name];
  if (found === undefined) {
    throw new DeploymentError(
      `${displayPath(deployment.file)}: contracts.${name} is missing (not deployed on ${deployment.network} yet): ${deployHint(deployment.network)}`,
    );
  }
  return found;
}

/** What the deploy script passes in: addresses as strings, block/time as number or bigint. */
export type DeploymentInput = z.input<typeof deploymentSchema>;

/** Validates and writes `deployments/<network>.json` atomically; returns the path written. */
export async function writeDeployment(
  input: DeploymentInput | Deployment,
  options: { dir?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  const file = deploymentPath(String(input.network), options.dir, options.env);
  const { file: _file, ...data } = parseDeployment(withoutFile(input), String(input.network), file);
  const text = `${JSON.stringify(data, (_k, v: unknown) => (typeof v === "bigint" ? toJsonUint(v) : v), 2)}\n`;
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  await fs.writeFile(tmp, text, "utf8");
  await fs.rename(tmp, file);
  return file;
}

function withoutFile(input: DeploymentInput | Deployment): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...input };
  delete copy.file;
  return copy;
}

function toJsonUint(v: bigint): number | string {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}
