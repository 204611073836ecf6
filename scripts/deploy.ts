// `npm run deploy -- --network <name>`: deploys the protocol to <name> and writes deployments/<name>.json.
import { network } from "hardhat";
import { deployProtocol } from "../offchain/deploy/deployProtocol.js";
import { writeDeployment } from "../offchain/chain/deployments.js";

const connection = await network.create();
const { viem, networkName, networkConfig } = connection;
const publicClient = await viem.getPublicClient();
const [wallet] = await viem.getWalletClients();
if (!wallet) throw new Error(`network ${networkName} has no account: set its private key (see README, Deploy)`);

console.log(`Deploying to ${networkName} (chain ${await publicClient.getChainId()}) from ${wallet.account.address}`);
const rpcUrl = networkConfig.type === "http" ? await networkConfig.url.getUrl() : undefined;
const deployment = await deployProtocol(publicClient, wallet, {
  network: networkName,
  ...(rpcUrl ? { rpcUrl } : {}),
  log: (line) => console.log(`  ${line}`),
});
console.log(`Wrote ${await writeDeployment(deployment)}`);
