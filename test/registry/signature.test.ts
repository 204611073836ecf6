import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { concat, hashTypedData, toHex, type Address, type Hex, type WalletClient } from "viem";
import { deployRegistry, TAO, type RegistryFixture } from "./fixture.js";

// Hotkey consent as an off-chain signer produces it: viem's EIP-712 typed data must match the registry's digest.
const REGISTER_TYPES = {
  Register: [
    { name: "coldkey", type: "address" },
    { name: "netuid", type: "uint16" },
    { name: "nonce", type: "uint64" },
    { name: "deadline", type: "uint64" },
  ],
} as const;

async function consent(
  f: RegistryFixture,
  hotkey: WalletClient,
  coldkey: Address,
  netuid: number,
  nonce: bigint,
  deadline: bigint,
): Promise<Hex> {
  const domain = {
    name: "SubnetRegistry",
    version: "1",
    chainId: await f.publicClient.getChainId(),
    verifyingContract: f.registry.address,
  } as const;
  const message = { coldkey, netuid, nonce, deadline };
  const digest = hashTypedData({ domain, types: REGISTER_TYPES, primaryType: "Register", message });
  assert.equal(await f.registry.read.registerDigest([coldkey, netuid, nonce, deadline]), digest, "same digest");
  const signature = await hotkey.signTypedData({
    account: hotkey.account!,
    domain,
    types: REGISTER_TYPES,
    primaryType: "Register",
    message,
  });
  return concat([toHex(deadline, { size: 8 }), signature]);
}

describe("hotkey consent by EIP-712 signature (viem)", async () => {
  it("a coldkey registers a hotkey that signed for it; the same signature cannot be replayed", async () => {
    const f = await deployRegistry();
    await f.registry.write.createSubnet([f.gov.account.address, 10n * TAO, "0x"]);
    const [, hot, cold, other] = f.wallets;
    await f.fund(cold.account.address, 100n * TAO);
    await f.fund(other.account.address, 100n * TAO);
    const deadline = (await f.slotNow()) + 100_000n;
    const sig = await consent(f, hot, cold.account.address, 1, 0n, deadline);
    // Someone else cannot use it.
    await assert.rejects(
      f.registry.write.register([1, hot.account.address, 10n * TAO, sig], { account: other.account }),
      /InvalidHotkeySignature/,
    );
    await f.registry.write.register([1, hot.account.address, 10n * TAO, sig], { account: cold.account });
    const [registered, uid] = await f.registry.read.uidOf([1, hot.account.address]);
    assert.equal(registered, true);
    assert.equal(uid, 1);
    assert.equal(
      (await f.registry.read.coldkeyOf([hot.account.address])).toLowerCase(),
      cold.account.address.toLowerCase(),
    );
    assert.equal(await f.registry.read.nonces([hot.account.address]), 1n);
    // Replayed after the subnet is dissolved and recreated at the same netuid: the nonce is spent.
    await f.registry.write.dissolveSubnet([1]);
    await f.warpToSlot((await f.slotNow()) + 28_800n);
    await f.registry.write.createSubnet([f.gov.account.address, 10n * TAO, "0x"]);
    await assert.rejects(
      f.registry.write.register([1, hot.account.address, 10n * TAO, sig], { account: cold.account }),
      /InvalidHotkeySignature/,
    );
  });
});
