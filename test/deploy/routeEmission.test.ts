import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createPublicClient, createTestClient, createWalletClient, getAddress, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { emissionAbi, taoAbi } from "../../offchain/abi/index.js";
import { startAnvil, type AnvilProcess } from "../../offchain/deploy/anvil.js";
import { deployProtocol, routeEmission } from "../../offchain/deploy/deployProtocol.js";

// Anvil's first default account.
const DEPLOYER = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");

describe("routeEmission: Emission.setReceiver landing a slot after its estimate", () => {
  let anvil: AnvilProcess;
  before(async () => {
    anvil = await startAnvil();
  });
  after(async () => {
    await anvil?.stop();
  });

  it("still succeeds when the block it lands in mints the slots its estimate had not", async () => {
    const transport = http(anvil.url);
    const pub = createPublicClient({ chain: foundry, transport, pollingInterval: 50 });
    const gov = createWalletClient({ account: DEPLOYER, chain: foundry, transport });
    const test = createTestClient({ mode: "anvil", chain: foundry, transport });
    const deployment = await deployProtocol(pub, gov, { network: "localhost", routeEmission: false });
    const { Emission, Staking, TAO } = deployment.contracts;
    // Estimated now: the head is in slot 0, which has nothing to mint.
    assert.equal(await pub.readContract({ address: Emission, abi: emissionAbi, functionName: "currentSlot" }), 0n);

    await test.setAutomine(false);
    const routed = routeEmission(pub, gov, deployment);
    // Wait until the transaction is in the pool, then mine it two slots later: setReceiver now mints first.
    for (let i = 0; i < 200; i++) {
      const pending = await pub.getBlockTransactionCount({ blockTag: "pending" });
      if (pending > 0) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await test.increaseTime({ seconds: 24 });
    await test.mine({ blocks: 1 });
    await routed;
    await test.setAutomine(true);

    assert.equal(
      getAddress(await pub.readContract({ address: Emission, abi: emissionAbi, functionName: "receiver" })),
      Staking,
    );
    const reserve = await pub.readContract({ address: TAO, abi: taoAbi, functionName: "balanceOf", args: [Emission] });
    assert.ok(reserve > 0n, `the slots before the receiver went to the reserve (held ${reserve})`);
  });
});
