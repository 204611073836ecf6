import { network } from "hardhat";
import { type Hex, keccak256, maxUint256, toHex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hotkeyConsent } from "../offchain/localnet/bootstrap.js";
import { commitHash, packWeights } from "../offchain/weights/index.js";
import { deployRegistryOn, Param, TAO } from "../test/registry/fixture.js";
import type { WeightEntry } from "../offchain/weights/index.js";
import type { BenchResult } from "./types.js";

const SLOT = 12;
const TEMPO = 360;
const RATE_LIMIT = 100;
const NETUID_CR = 1;
const NETUID_DIRECT = 2;
const SSTORE_FRESH = 22_100; // cold SSTORE of a zero slot (EIP-2929 + EIP-2200)

/** A max-upscaled 256-entry vector with pseudo-random non-zero values (realistic calldata: few zero bytes). */
function fullVector(seed: number): WeightEntry[] {
  return Array.from({ length: 256 }, (_, uid) => ({
    uid,
    value: uid === seed % 256 ? 65535 : 1 + Number(BigInt(keccak256(toHex(`${seed}:${uid}`))) % 65534n),
  }));
}

interface StructLog {
  op: string;
  gas: number;
  depth: number;
}

/**
 * Gas of the weights calls, from receipts, on the in-process network, against storage-backed registry and permits
 * mocks (hyperparameters a 3-slot struct, uids in mappings, one weightsContext call), each read cold as in
 * any real transaction. Each number also gets Weights' own share: the receipt minus the intrinsic cost (base +
 * calldata) and minus the gas spent inside the registry and permits calls, taken from the call trace.
 */
export default async function bench(): Promise<BenchResult> {
  const connection = await network.create();
  const { viem, networkHelpers, provider } = connection;
  const publicClient = await viem.getPublicClient();
  const [owner, ownerHotkey, v1, v2] = await viem.getWalletClients();

  const gas: Record<string, number> = {};
  const split: string[] = [];
  async function measure(label: string, hash: Hex): Promise<void> {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    const tx = await publicClient.getTransaction({ hash });
    const trace = (await provider.request({
      method: "debug_traceTransaction",
      params: [hash, { disableStorage: true, disableMemory: true, disableStack: true }],
    })) as { structLogs: StructLog[] };
    const logs = trace.structLogs;
    const intrinsic = Number(tx.gas) - logs[0]!.gas;
    let external = 0;
    logs.forEach((l, i) => {
      if (l.depth !== 1 || (l.op !== "CALL" && l.op !== "STATICCALL")) return;
      const back = logs.slice(i + 1).find((x) => x.depth === 1)!;
      external += l.gas - back.gas;
    });
    const total = Number(receipt.gasUsed);
    gas[`weights: ${label}`] = total;
    gas[`weights: ${label} [Weights' own]`] = total - intrinsic - external;
    split.push(`${label}: intrinsic ${intrinsic} + external calls ${external} + own ${total - intrinsic - external}`);
  }

  const emission = await viem.deployContract("MockEmissionForWeights", [0n]);
  const registry = await viem.deployContract("MockRegistryForWeights", [await emission.read.genesisTime()]);
  const permits = await viem.deployContract("MockPermitsForWeights");
  const weights = await viem.deployContract("Weights", [registry.address, permits.address, emission.address]);
  // Register after slot 0, so the metagraph's last-update words are non-zero (as on a live chain).
  await networkHelpers.time.increase(TEMPO * SLOT);
  for (const netuid of [NETUID_CR, NETUID_DIRECT]) {
    await registry.write.createSubnet([netuid, owner.account.address, ownerHotkey.account.address]);
    await registry.write.register([netuid, v1.account.address]); // uid 0
    await registry.write.register([netuid, v2.account.address]); // uid 1
    for (const chunk of [100, 100, 54]) await registry.write.fill([netuid, chunk]);
    await permits.write.setPermits([netuid, 3n, true]); // uids 0 and 1
  }
  await registry.write.setCommitReveal([NETUID_DIRECT, false, 1]);

  /**
   * The same calls against the real SubnetRegistry (Staking and permits mocked): its weightsContext reads the
   * subnet's words, the weights hyperparameter word, the hotkey's uid and the epoch schedule, all cold.
   */
  async function realRegistryRows(): Promise<void> {
    const f = await deployRegistryOn(connection);
    const reg = f.registry;
    const w = await viem.deployContract("Weights", [reg.address, f.permits.address, f.emission.address]);
    await reg.write.createSubnet([owner.account.address, maxUint256, "0x"]); // netuid 1, owner hotkey at uid 0
    const netuid = 1;
    await f.fund(v1.account.address, 1000n * TAO);
    await reg.write.register([netuid, v1.account.address, maxUint256, "0x"], { account: v1.account }); // uid 1
    for (let n = Number(await reg.read.neuronCount([netuid])); n < 256; n++) {
      const hot = privateKeyToAccount(generatePrivateKey());
      const consent = await hotkeyConsent(publicClient, reg.address, hot, owner.account.address, 10n ** 9n, netuid);
      await reg.write.register([netuid, hot.address, maxUint256, consent]);
    }
    await f.permits.write.setPermits([netuid, 2n, true]); // uid 1 (v1)
    const genesis = f.genesis;
    const toNextEpoch = async () => {
      const slot = (BigInt(await networkHelpers.time.latest()) - genesis) / BigInt(SLOT);
      const [, , close] = await reg.read.epochAt([netuid, slot + 1n]);
      await networkHelpers.time.setNextBlockTimestamp(genesis + (close + 1n) * BigInt(SLOT));
    };
    const h = (p: Hex) => commitHash({ hotkey, netuid, packedWeights: p, salt, versionKey: 0n });
    const label = (l: string) => `${l} [real registry]`;
    const [a, b, c, d] = [packed(11), packed(12), packed(13), packed(14)];
    await measure(label("commitWeights, first ever"), await w.write.commitWeights([netuid, h(a)], asV1));
    await networkHelpers.time.increase(RATE_LIMIT * SLOT);
    await measure(label("commitWeights, 2nd pending"), await w.write.commitWeights([netuid, h(b)], asV1));
    await toNextEpoch();
    await measure(
      label("revealWeights 256 entries, first ever"),
      await w.write.revealWeights([netuid, a, salt, 0n], asV1),
    );
    await measure(label("revealWeights 256 entries, later"), await w.write.revealWeights([netuid, b, salt, 0n], asV1));
    await measure(label("commitWeights, steady state"), await w.write.commitWeights([netuid, h(c)], asV1));
    await toNextEpoch();
    await measure(
      label("revealWeights 256 entries, steady state"),
      await w.write.revealWeights([netuid, c, salt, 0n], asV1),
    );
    await reg.write.setHyperparam([netuid, Param.CommitRevealEnabled, 0n]);
    await networkHelpers.time.increase(RATE_LIMIT * SLOT);
    await measure(label("setWeights 256 entries, later"), await w.write.setWeights([netuid, d, 0n], asV1));
  }

  const salt = keccak256(toHex("salt"));
  const hotkey = v1.account.address;
  const asV1 = { account: v1.account };
  const packed = (seed: number) => packWeights(fullVector(seed));
  const hashFor = (p: Hex) => commitHash({ hotkey, netuid: NETUID_CR, packedWeights: p, salt, versionKey: 0n });

  // A validator's very first commit: its state word and ring slot 0 go from zero to non-zero.
  const p1 = packed(1);
  await measure("commitWeights, first ever", await weights.write.commitWeights([NETUID_CR, hashFor(p1)], asV1));
  // A second pending commit one rate limit later, same epoch: ring slot 1 is still zero.
  await networkHelpers.time.increase(RATE_LIMIT * SLOT);
  const p2 = packed(2);
  await measure("commitWeights, 2nd pending", await weights.write.commitWeights([NETUID_CR, hashFor(p2)], asV1));

  // Next epoch: reveal the first (the weights hash goes from zero to non-zero), then the second.
  await networkHelpers.time.increase(TEMPO * SLOT);
  await measure(
    "revealWeights 256 entries, first ever",
    await weights.write.revealWeights([NETUID_CR, p1, salt, 0n], asV1),
  );
  await measure("revealWeights 256 entries, later", await weights.write.revealWeights([NETUID_CR, p2, salt, 0n], asV1));

  // Steady state: the queue emptied, so the next commit rewrites ring slot 0 (non-zero to non-zero).
  const p3 = packed(3);
  await measure("commitWeights, steady state", await weights.write.commitWeights([NETUID_CR, hashFor(p3)], asV1));
  await networkHelpers.time.increase(TEMPO * SLOT);
  await measure(
    "revealWeights 256 entries, steady state",
    await weights.write.revealWeights([NETUID_CR, p3, salt, 0n], asV1),
  );

  // setWeights with commit-reveal off.
  await measure(
    "setWeights 256 entries, first ever",
    await weights.write.setWeights([NETUID_DIRECT, packed(4), 0n], asV1),
  );
  await networkHelpers.time.increase(RATE_LIMIT * SLOT);
  await measure("setWeights 256 entries, later", await weights.write.setWeights([NETUID_DIRECT, packed(5), 0n], asV1));
  const self = packWeights([{ uid: 1, value: 65535 }]);
  await measure(
    "setWeights self-weight, first ever",
    await weights.write.setWeights([NETUID_DIRECT, self, 0n], { account: v2.account }),
  );

  await realRegistryRows();

  return {
    gas,
    notes: {
      "weights: split (receipt = intrinsic + external + own)": split.join("; "),
      "weights: [real registry] rows":
        "the real SubnetRegistry (256 uids, default hyperparameters, no tempo change), the permits still mocked (one slot, as Settlement.permitBitmap)",
      "weights: storing 256 weights instead": `~${(256 * SSTORE_FRESH).toLocaleString("en-US")} gas (256 fresh slots); the event carries them for ~9k`,
      "weights: targets (issue)":
        "commit first <= 50k, later <= 35k, reveal/set 256 <= 80k: not met; see docs/weights.md (Gas) for why",
    },
  };
}
