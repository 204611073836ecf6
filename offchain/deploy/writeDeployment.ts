import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./artifacts.js";
import type { Deployment } from "./deployProtocol.js";

/** The folder deployments are read from and written to: `deployments/`, or `TAO_DEPLOYMENTS_DIR`. */
export function deploymentsDir(): string {
  return process.env.TAO_DEPLOYMENTS_DIR ?? path.join(repoRoot, "deployments");
}

/** Writes `deployments/<network>.json`; returns its path. */
export function writeDeployment(deployment: Deployment, dir = deploymentsDir()): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${deployment.network}.json`);
  writeFileSync(file, JSON.stringify(deployment, null, 2) + "\n");
  return file;
}
