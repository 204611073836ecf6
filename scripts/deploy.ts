// `npm run deploy -- --network <name>`: deploys the protocol to <name> and writes deployments/<name>.json.
// `DEPLOY_ROUTE_EMISSION=false` leaves emission unrouted, so the Emission reserve accrues for grants
// (`tao emission grant`) until governance routes it (`tao emission route`).
import { network } from "hardhat";
import { deployProtocol } from "../offchain/deploy/deployProtocol.js";
import { copyFileSync, existsSync } from "node:fs";
import { replacedPath } from "../offchain/wallet/secure-file.js";
import {
  checkChainId,
  checkOverwrite,
  checkPrivateKey,
  DeployConfigError,
  parseRouteEmission,
  recordedRpcUrl,
  unroutedNextSteps,
} from "../offchain/deploy/deployScript.js";
import { deploymentPath, displayPath, readDeployment, writeDeployment } from "../offchain/chain/deployments.js";

async function main(): Promise<void> {
  const routeEmission = parseRouteEmission();
  const connection = await network.create().catch((e: unknown) => {
    // Hardhat names a missing configuration variable in its own words (HHE7, or its keystore plugin's when a
    // keystore exists): say it as the other refusals do.
    const missing =
      /Configuration Variable "([A-Z0-9_]+)" not found|Key "([A-Z0-9_]+)" not found in the (?:development )?keystore/.exec(
        e instanceof Error ? e.message : "",
      );
    const name = missing?.[1] ?? missing?.[2];
    if (name === undefined) throw e;
    throw new DeployConfigError(
      `${name} is not set: export it or store it with \`npx hardhat keystore set ${name}\` (nothing was deployed)`,
    );
  });
  const { viem, networkName, networkConfig } = connection;
  // Before any request: hardhat derives the accounts on the first one, and a malformed key is a stack trace there.
  if (networkConfig.type === "http" && Array.isArray(networkConfig.accounts)) {
    for (const [i, account] of networkConfig.accounts.entries()) {
      const name = (account as { name?: unknown }).name;
      const variable = typeof name === "string" ? name : `networks.${networkName}.accounts[${i}]`;
      checkPrivateKey(variable, await account.get());
    }
  }
  const publicClient = await viem.getPublicClient();
  const chainId = await publicClient.getChainId();
  checkChainId(networkName, chainId);
  const [wallet] = await viem.getWalletClients();
  if (!wallet)
    throw new DeployConfigError(`network ${networkName} has no account: set its private key (see README, Deploy)`);

  // Before anything is sent: a public network's file is every operator's pointer to the protocol.
  const file = deploymentPath(networkName);
  const existing = existsSync(file)
    ? await readDeployment(networkName).then(
        (d) => `chain ${d.chainId}, block ${d.deploymentBlock}, TAO ${d.contracts.TAO}`,
        () => "unreadable",
      )
    : undefined;
  const replaces = checkOverwrite(networkName, displayPath(file), existing);

  console.log(`Deploying to ${networkName} (chain ${chainId}) from ${wallet.account.address}`);
  const rpcUrl = recordedRpcUrl(
    networkName,
    networkConfig.type === "http" ? await networkConfig.url.getUrl() : undefined,
  );
  const deployment = await deployProtocol(publicClient, wallet, {
    network: networkName,
    ...(rpcUrl ? { rpcUrl } : {}),
    routeEmission,
    log: (line) => console.log(`  ${line}`),
  });
  if (replaces) {
    const kept = replacedPath(file);
    copyFileSync(file, kept);
    console.log(`Kept the previous deployment as ${kept}`);
  }
  console.log(`Wrote ${await writeDeployment(deployment)}`);
  if (!routeEmission) for (const line of unroutedNextSteps(networkName, wallet.account.address)) console.log(line);
}

try {
  await main();
} catch (e) {
  if (!(e instanceof DeployConfigError)) throw e;
  console.error(`error: ${e.message}`);
  process.exitCode = 1;
}
