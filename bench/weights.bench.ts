import { network } from "hardhat";
import { type Hex, keccak256, toHex } from "viem";
import { commitHash, packWeights } from "../offchain/weights/index.js";
import type { WeightEntry } from "../offchain/weights/index.js";
import type { BenchResult } from "./types.js";

const SLOT = 12;
const TEMPO = 360;
const NETUID_CR = 1;
const NETUID_DIRECT = 2;

/** A max-upscaled 256-entry vector with pseudo-random non-zero values (realistic calldata: few zero bytes). */
function fullVector(seed: number): WeightEntry[] {
  return Array.from({ length: 256 }, (_, uid) => ({
    uid,
    value: uid === seed % 256 ? 65535 : 1 + (Number(BigInt(keccak256(toHex(`${seed}:${uid}`))) % 65534n)),
  }));
}

/** Gas of the weights calls, from receipts, against storage-backed registry and permits mocks (cold reads). */
export default async function bench(): Promise<BenchResult> {
  const { viem, networkHelpers } = await network.create();
  const publicClient = await viem.getPublicClient();
  const [owner, ownerHotkey, v1, v2] = await viem.getWalletClients();
  const gasOf = async (hash: Hex) => Number((await publicClient.waitForTransactionReceipt({ hash })).gasUsed);

  const emission = await viem.deployContract("MockEmissionForWeights", [0n]);
  const registry = await viem.deployContract("MockRegistryForWeights", [await emission.read.genesisTime()]);
  const permits = await viem.deployContract("MockPermitsForWeights");
  const weights = await viem.deployContract("Weights", [
    registry.address,
    permits.address,
    registry.address,
    emission.address,
  ]);
  await registry.write.setWeightsContract([weights.address]);
  for (const netuid of [NETUID_CR, NETUID_DIRECT]) {
    await registry.write.createSubnet([netuid, owner.account.address, ownerHotkey.account.address]);
    await registry.write.register([netuid, v1.account.address]); // uid 0
    await registry.write.register([netuid, v2.account.address]); // uid 1
    for (const chunk of [100, 100, 54]) await registry.write.fill([netuid, chunk]);
    await permits.write.setPermits([netuid, 3n, true]); // uids 0 and 1
  }
  await registry.write.setCommitReveal([NETUID_DIRECT, false, 1]);

  const salt = keccak256(toHex("salt"));
  const hotkey = v1.account.address;
  const asV1 = { account: v1.account };
  const packed = (seed: number) => packWeights(fullVector(seed));
  const hashFor = (p: Hex) => commitHash({ hotkey, netuid: NETUID_CR, packedWeights: p, salt, versionKey: 0n });

  // First commit of a validator: its state word and ring slot 0 go from zero to non-zero.
  const p1 = packed(1);
  const commitFirst = await gasOf(await weights.write.commitWeights([NETUID_CR, hashFor(p1)], asV1));
  // Second pending commit in the same epoch, one rate limit later: ring slot 1 is still zero.
  await networkHelpers.time.increase(100 * SLOT);
  const p2 = packed(2);
  const commitSecondPending = await gasOf(await weights.write.commitWeights([NETUID_CR, hashFor(p2)], asV1));

  // Next epoch: reveal the first (256 entries; the weights hash goes from zero to non-zero), then the second.
  await networkHelpers.time.increase(TEMPO * SLOT);
  const revealFirst = await gasOf(await weights.write.revealWeights([NETUID_CR, p1, salt, 0n], asV1));
  const revealLater = await gasOf(await weights.write.revealWeights([NETUID_CR, p2, salt, 0n], asV1));

  // Steady state: the queue is empty again, so the next commit rewrites ring slot 0 (non-zero to non-zero).
  const p3 = packed(3);
  const commitLater = await gasOf(await weights.write.commitWeights([NETUID_CR, hashFor(p3)], asV1));
  await networkHelpers.time.increase(TEMPO * SLOT);
  const revealSteady = await gasOf(await weights.write.revealWeights([NETUID_CR, p3, salt, 0n], asV1));

  // setWeights with commit-reveal off.
  const setFirst = await gasOf(await weights.write.setWeights([NETUID_DIRECT, packed(4), 0n], asV1));
  await networkHelpers.time.increase(100 * SLOT);
  const setLater = await gasOf(await weights.write.setWeights([NETUID_DIRECT, packed(5), 0n], asV1));
  const selfWeight = packWeights([{ uid: 1, value: 65535 }]);
  const setSelf = await gasOf(await weights.write.setWeights([NETUID_DIRECT, selfWeight, 0n], { account: v2.account }));

  return {
    gas: {
      "weights: commitWeights, first (state word + ring slot 0 -> non-zero)": commitFirst,
      "weights: commitWeights, 2nd pending (fresh ring slot)": commitSecondPending,
      "weights: commitWeights, later (steady state)": commitLater,
      "weights: revealWeights 256 entries, first": revealFirst,
      "weights: revealWeights 256 entries, later": revealLater,
      "weights: revealWeights 256 entries, steady state": revealSteady,
      "weights: setWeights 256 entries, first": setFirst,
      "weights: setWeights 256 entries, later": setLater,
      "weights: setWeights single self-weight, first": setSelf,
    },
    notes: {
      "weights: setup":
        "256 neurons; mocks are storage-backed (hyperparams struct 3 slots, mapping uids), every tx reads them cold",
    },
  };
}
