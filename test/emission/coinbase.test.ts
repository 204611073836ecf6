import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { getAddress } from "viem";
import { mintSlotBySlot } from "../support/subtensorEmission.js";

const TAO = 1_000_000_000n;
const MAX = 21_000_000n * TAO;

describe("Emission.coinbase and TAO minting", async () => {
  const { viem, networkHelpers, provider } = await network.create();
  const [owner, alice] = await viem.getWalletClients();

  async function deploy() {
    const emission = await viem.deployContract("EmissionHarness", [owner.account.address, 0n]);
    const tao = await viem.getContractAt("TAO", await emission.read.tao());
    return { emission, tao };
  }

  it("TAO has 9 decimals, the emission contract as sole minter, and permit", async () => {
    const { emission, tao } = await deploy();
    assert.equal(await tao.read.decimals(), 9);
    assert.equal(await tao.read.symbol(), "TAO");
    assert.equal(getAddress(await tao.read.minter()), getAddress(emission.address));
    assert.match(await tao.read.DOMAIN_SEPARATOR(), /^0x[0-9a-f]{64}$/);
  });

  it("mints the emission of every elapsed slot to the reserve, lazily", async () => {
    const { emission, tao } = await deploy();
    await networkHelpers.time.increase(12 * 10);
    const pending = await emission.read.pendingEmission();
    assert.equal(pending, 10n * TAO);
    await emission.write.coinbase({ account: alice.account });
    assert.equal(await tao.read.totalSupply(), 10n * TAO);
    assert.equal(await emission.read.reserve(), 10n * TAO);
    assert.equal(await emission.read.pendingEmission(), 0n);
  });

  it("a second coinbase in the same slot mints nothing and does not revert", async () => {
    const { emission, tao } = await deploy();
    const publicClient = await viem.getPublicClient();
    await networkHelpers.time.increase(12 * 3);
    await provider.request({ method: "evm_setAutomine", params: [false] });
    try {
      const first = await emission.write.coinbase({ gas: 200_000n });
      const second = await emission.write.coinbase({ account: alice.account, gas: 200_000n });
      await networkHelpers.mine();
      const [r1, r2] = await Promise.all([
        publicClient.getTransactionReceipt({ hash: first }),
        publicClient.getTransactionReceipt({ hash: second }),
      ]);
      assert.equal(r1.blockNumber, r2.blockNumber, "both in one block");
      assert.equal(r1.status, "success");
      assert.equal(r2.status, "success");
      assert.ok(r1.logs.length > 0, "first call minted");
      assert.equal(r2.logs.length, 0, "second call emitted nothing");
      assert.equal(await tao.read.totalSupply(), await emission.read.reserve());
    } finally {
      await provider.request({ method: "evm_setAutomine", params: [true] });
    }
  });

  it("walks a halving piecewise across one call", async () => {
    const { emission, tao } = await deploy();
    const start = 10_500_000n * TAO - (5n * TAO) / 2n; // 2.5 TAO below the first halving
    await emission.write.seedIssuance([owner.account.address, start]);
    const from = await emission.read.lastMintedSlot();
    await networkHelpers.time.increase(12 * 6);
    await emission.write.coinbase();
    const slots = Number((await emission.read.lastMintedSlot()) - from);
    assert.equal(await tao.read.totalSupply(), start + mintSlotBySlot(start, slots));
    assert.equal(await emission.read.currentSlotEmission(), TAO / 2n);
  });

  it("never mints past 21M and stops at the end of the curve", async () => {
    const { emission, tao } = await deploy();
    await emission.write.seedIssuance([owner.account.address, MAX - 1000n]);
    await networkHelpers.time.increase(12 * 1_000_000);
    await emission.write.coinbase();
    const supply = await tao.read.totalSupply();
    assert.ok(supply <= MAX);
    assert.equal(await emission.read.currentSlotEmission(), 0n);
    await networkHelpers.time.increase(12 * 100);
    await emission.write.coinbase();
    assert.equal(await tao.read.totalSupply(), supply);
  });

  it("recycling lowers issuance and delays the halving", async () => {
    const { emission, tao } = await deploy();
    await emission.write.seedIssuance([owner.account.address, 10_500_000n * TAO]);
    assert.equal(await emission.read.currentSlotEmission(), TAO / 2n);
    await tao.write.burn([1n]);
    assert.equal(await emission.read.issuance(), 10_500_000n * TAO - 1n);
    assert.equal(await emission.read.currentSlotEmission(), TAO);
    assert.equal(await emission.read.slotsUntilHalving(), 1n);
  });

  it("rejects unauthorised, zero and over-cap mints with the values", async () => {
    const { emission, tao } = await deploy();
    await viem.assertions.revertWithCustomErrorWithArgs(
      tao.write.mint([alice.account.address, 1n], { account: alice.account }),
      tao,
      "UnauthorizedMinter",
      [getAddress(alice.account.address), getAddress(emission.address)],
    );
    await viem.assertions.revertWithCustomError(
      emission.write.seedIssuance([owner.account.address, 0n]),
      tao,
      "ZeroAmount",
    );
    await emission.write.seedIssuance([owner.account.address, MAX - 10n]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      emission.write.seedIssuance([owner.account.address, 11n]),
      tao,
      "CapExceeded",
      [11n, 10n],
    );
    await viem.assertions.revertWithCustomError(tao.write.burn([0n]), tao, "ZeroAmount");
  });

  it("only governance sets the receiver or grants from the reserve; only the receiver draws it", async () => {
    const { emission } = await deploy();
    await networkHelpers.time.increase(12 * 5);
    await emission.write.coinbase();
    await viem.assertions.revertWithCustomError(
      emission.write.drawReserve([1n], { account: alice.account }),
      emission,
      "NotReceiver",
    );
    await viem.assertions.revertWithCustomError(
      emission.write.grantReserve([alice.account.address, 1n], { account: alice.account }),
      emission,
      "OwnableUnauthorizedAccount",
    );
    const reserve = await emission.read.reserve();
    await viem.assertions.revertWithCustomErrorWithArgs(
      emission.write.grantReserve([alice.account.address, reserve + 1n]),
      emission,
      "ReserveExceeded",
      [reserve + 1n, reserve],
    );
    await emission.write.grantReserve([alice.account.address, 2n * TAO]);
    assert.equal(await emission.read.reserve(), reserve - 2n * TAO);
    await viem.assertions.revertWithCustomError(
      emission.write.setReceiver([alice.account.address], { account: alice.account }),
      emission,
      "OwnableUnauthorizedAccount",
    );
  });
});
