/**
 * The checks and choices of `npm run deploy` (scripts/deploy.ts), as pure functions so they can be tested
 * without a chain: whether emission is routed at the end, what RPC URL goes into the deployments file, which
 * chain id a public network must have, and the shape of a deployer key.
 */
import path from "node:path";
import { isLocalNetwork, NETWORKS, type NetworkDefinition } from "../chain/client.js";

/** A refused deploy: the message is one line naming the value and the fix (the script prints it as is). */
export class DeployConfigError extends Error {
  override readonly name = "DeployConfigError";
}

/** `hardhat run` takes no script arguments: `DEPLOY_ROUTE_EMISSION=false` leaves emission unrouted. */
export const ROUTE_EMISSION_ENV = "DEPLOY_ROUTE_EMISSION";

/** `DEPLOY_ROUTE_EMISSION`: unset or empty = true (route at the end); otherwise exactly `true` or `false`. */
export function parseRouteEmission(env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = env[ROUTE_EMISSION_ENV];
  if (raw === undefined || raw === "") return true;
  if (raw === "true") return true;
  if (raw === "false") return false;
  throw new DeployConfigError(
    `${ROUTE_EMISSION_ENV}=${JSON.stringify(raw)} is not true or false: set ${ROUTE_EMISSION_ENV}=false to leave emission unrouted (so the reserve accrues for grants), or true / unset to route it to Staking`,
  );
}

/**
 * The `rpcUrl` written into deployments/<network>.json: a local node's URL (it records the port it got), never a
 * public network's. Provider URLs carry API keys (in the userinfo, path or query) and public files are committed;
 * the CLI and workers read those networks' URLs from their environment variable (e.g. SEPOLIA_RPC_URL).
 */
export function recordedRpcUrl(network: string, url: string | undefined): string | undefined {
  return url !== undefined && url !== "" && isLocalNetwork(network) ? url : undefined;
}

function publicNetwork(network: string): NetworkDefinition | undefined {
  if (isLocalNetwork(network) || !Object.hasOwn(NETWORKS, network)) return undefined;
  return NETWORKS[network as keyof typeof NETWORKS];
}

/** The chain id a known public network must have (offchain/chain/client.ts NETWORKS), or undefined. */
export function expectedChainId(network: string): number | undefined {
  return publicNetwork(network)?.chain.id;
}

/** Refuses a node of another chain than the known public `network` is, before anything is deployed. */
export function checkChainId(network: string, actual: number): void {
  const expected = expectedChainId(network);
  if (expected === undefined || expected === actual) return;
  const variable = publicNetwork(network)?.rpcEnv[0] ?? "its RPC URL";
  throw new DeployConfigError(
    `network ${network} is chain ${expected} but ${variable} points at a node of chain ${actual}: set ${variable} to a ${network} RPC URL (nothing was deployed)`,
  );
}

/** Refuses a deployer key that is not 32 bytes of hex (without showing it: it is a secret). */
export function checkPrivateKey(variable: string, value: string): void {
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(value.trim())) return;
  throw new DeployConfigError(
    `${variable} is not a private key (${value.length} characters): set it to 0x and 64 hex digits (\`npx hardhat keystore set ${variable}\` or the environment)`,
  );
}

/** Set to `true` to deploy a public network anew over its existing deployments file. */
export const OVERWRITE_ENV = "DEPLOY_OVERWRITE";

/**
 * Whether a deploy may write `file` for `network`. A local network's file is replaced as its chain is (a
 * restarted Anvil). A public network's file is where every operator's CLI and worker finds the protocol: a
 * second deploy over it would point them at a new, empty one and leave the old subnets, stakes and grants without
 * a record of their addresses. So it is refused before anything is sent, unless DEPLOY_OVERWRITE=true; then the
 * caller keeps the old file beside the new one (`<file>.replaced-<time>`). `existing` describes the file there
 * (its chain, block and TAO address), if any. Returns whether a public network's file is replaced.
 */
export function checkOverwrite(
  network: string,
  file: string,
  existing: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (existing === undefined || isLocalNetwork(network)) return false;
  const raw = env[OVERWRITE_ENV];
  if (raw === "true") return true;
  if (raw !== undefined && raw !== "" && raw !== "false") {
    throw new DeployConfigError(
      `${OVERWRITE_ENV}=${JSON.stringify(raw)} is not true or false: set ${OVERWRITE_ENV}=true to deploy ${network} anew over ${file}`,
    );
  }
  throw new DeployConfigError(
    `${file} already holds the ${network} deployment (${existing}): ` +
      `a new deploy would point every CLI and worker at a new, empty protocol; to deploy anew anyway set ${OVERWRITE_ENV}=true ` +
      `(the old file is kept as ${path.basename(file)}.replaced-<time>) (nothing was deployed)`,
  );
}

/** What to do after a deploy that left emission unrouted: accrue, grant to the operators, then route. */
export function unroutedNextSteps(network: string, governance: string): string[] {
  const tao = `npx tao --network ${network}`;
  const rpc = publicNetwork(network)?.rpcEnv[0];
  return [
    ...(rpc === undefined
      ? []
      : [`The CLI reads the RPC URL from the environment (not Hardhat's keystore): export ${rpc}=<RPC URL> first.`]),
    "Emission is not routed: the Emission reserve accrues 1 TAO per 12 s slot until it is. Next, as governance",
    `(${governance}; import its key with \`npx tao wallet import --wallet-name gov\`, the key in TAO_IMPORT_SECRET):`,
    `  ${tao} emission                                   # watch the reserve (and pending emission) grow`,
    `  ${tao} emission grant --to <coldkey> --amount <TAO> --wallet gov   # for each operator`,
    `  ${tao} emission route --wallet gov                # then minted TAO goes to the subnets (once)`,
  ];
}
