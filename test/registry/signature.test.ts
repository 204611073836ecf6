import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { concat, hashTypedData, toHex, type Address, type Hex, type WalletClient } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hotkeyConsent } from "../../offchain/localnet/bootstrap.js";
import { deployRegistry, TAO, type RegistryFixture } from "./fixture.js";

// Hotkey consent as an off-chain signer produces it: viem's EIP-712 typed data must match the registry's digest.
const REGISTER_TYPES = {
  Register: [
    { name: "hotkey", type: "address" },
    { name: "coldkey", type: "address" },
    { name: "netuid", type: "uint16" },
    { name: "generation", type: "uint32" },
    { name: "nonce", type: "uint64" },
    { name: "deadline", type: "uint64" },
  ],
} as const;

async function consent(
  f: RegistryFixture,
  hotkey: WalletClient,
  coldkey: Address,
  netuid: number,
  generation: number,
  nonce: bigint,
  deadline: bigint,
): Promise<Hex> {
  const domain = {
    name: "SubnetRegistry",
    version: "1",
    chainId: await f.publicClient.getChainId(),
    verifyingContract: f.registry.address,
  } as const;
  const message = { hotkey: hotkey.account!.address, coldkey, netuid, generation, nonce, deadline };
  const digest = hashTypedData({ domain, types: REGISTER_TYPES, primaryType: "Register", message });
  assert.equal(
    await f.registry.read.registerDigest([hotkey.account!.address, coldkey, netuid, generation, nonce, deadline]),
    digest,
    "same digest",
  );
  const signature = await hotkey.signTypedData({
    account: hotkey.account!,
    domain,
    types: REGISTER_TYPES,
    primaryType: "Register",
    message,
  });
  return concat([toHex(deadline, { size: 8 }), toHex(generation, { size: 4 }), signature]);
}

describe("hotkey consent by EIP-712 signature (viem)", async () => {
  it("a coldkey registers a hotkey that signed for it; the same signature cannot be replayed", async () => {
    const f = await deployRegistry();
    await f.registry.write.createSubnet([f.gov.account.address, 10n * TAO, "0x"]);
    const [, hot, cold, other] = f.wallets;
    await f.fund(cold.account.address, 100n * TAO);
    await f.fund(other.account.address, 100n * TAO);
    const deadline = (await f.slotNow()) + 100_000n;
    const sig = await consent(f, hot, cold.account.address, 1, 0, 0n, deadline);
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
    // Replayed after the subnet is dissolved and recreated at the same netuid: it was for the old life.
    await f.registry.write.dissolveSubnet([1]);
    await f.warpToSlot((await f.slotNow()) + 28_800n);
    await f.registry.write.createSubnet([f.gov.account.address, 10n * TAO, "0x"]);
    await assert.rejects(
      f.registry.write.register([1, hot.account.address, 10n * TAO, sig], { account: cold.account }),
      /HotkeySignatureWrongGeneration/,
    );
  });

  it("an unused consent from hotkeyConsent is void once its subnet is dissolved and the netuid reused", async () => {
    const f = await deployRegistry();
    const [, cold] = f.wallets;
    const coldkey = cold.account.address;
    await f.fund(coldkey, 1_000n * TAO);
    await f.registry.write.createSubnet([coldkey, 10n * TAO, "0x"], { account: cold.account });
    const hot = privateKeyToAccount(generatePrivateKey());
    const deadline = (await f.slotNow()) + 100_000n;
    const sig = await hotkeyConsent(f.publicClient, f.registry.address, hot, coldkey, deadline, 1);
    assert.equal(sig.length, 2 + 2 * (8 + 4 + 65), "deadline, generation, signature");

    // Governance dissolves the subnet; the same coldkey creates the next one under netuid 1.
    await f.registry.write.dissolveSubnet([1]);
    await f.warpToSlot((await f.slotNow()) + 28_800n);
    await f.registry.write.createSubnet([coldkey, 10n * TAO, "0x"], { account: cold.account });
    assert.equal(await f.registry.read.generation([1]), 1);
    await assert.rejects(
      f.registry.write.register([1, hot.address, 10n * TAO, sig], { account: cold.account }),
      (err: Error) => {
        assert.match(err.message, /HotkeySignatureWrongGeneration/);
        assert.match(err.message, /\(1, 0, 1\)/, "netuid, signed generation, current generation");
        return true;
      },
    );
    assert.equal(await f.registry.read.nonces([hot.address]), 0n, "nonce untouched");

    // A consent for the new life registers.
    const renewed = await hotkeyConsent(f.publicClient, f.registry.address, hot, coldkey, deadline, 1);
    await f.registry.write.register([1, hot.address, 10n * TAO, renewed], { account: cold.account });
    const [registered] = await f.registry.read.uidOf([1, hot.address]);
    assert.equal(registered, true);
  });
});
