/**
 * The validator's ChainPort keeps `confirmations` blocks of distance from the head, on the in-process Hardhat
 * network: reads lag the head by that many blocks, a transaction is "pending" until it is that deep, and one
 * undone by a reorg shallower than that was never reported confirmed nor read. On a live subnet it reads the
 * weight rules and the chain's commit epochs.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { getAddress, keccak256, parseEventLogs, toHex, type EIP1193Provider, type Hex, type PublicClient } from "viem";
import { generatePrivateKey, mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { emissionAbi, subnetRegistryAbi, weightsAbi } from "../../offchain/abi/index.js";
import { deployProtocol } from "../../offchain/deploy/deployProtocol.js";
import { bootstrapLocalSubnet } from "../../offchain/localnet/bootstrap.js";
import { createChainPort } from "../../offchain/validator/adapters/chainPort.js";
import { hardhatLocalChain } from "../e2e/localChain.js";

const MNEMONIC = "test test test test test test test test test test test junk";

describe("ChainPort confirmation depth", async () => {
  const { viem, provider } = await network.create();
  const publicClient = await viem.getPublicClient();
  const chain = hardhatLocalChain(provider as unknown as EIP1193Provider, publicClient);
  const wallet = chain.wallet(mnemonicToAccount(MNEMONIC, { addressIndex: 0 }));
  const deployment = await deployProtocol(publicClient, wallet, { network: "hardhat", routeEmission: false });
  const DEPTH = 3;
  const port = createChainPort({ client: publicClient, wallet, deployment, confirmations: DEPTH });
  const rpc = (method: string, params: unknown[] = []) =>
    provider.request({ method: method as never, params: params as never }) as Promise<unknown>;
  const mine = async (n: number) => {
    for (let i = 0; i < n; i++) await rpc("evm_mine");
  };
  const headMinted = () =>
    publicClient.readContract({
      address: deployment.contracts.Emission,
      abi: emissionAbi,
      functionName: "lastMintedSlot",
    });

  it("reads at head − confirmations", async () => {
    await mine(DEPTH + 1);
    assert.equal(await port.readBlock(), (await publicClient.getBlockNumber({ cacheTime: 0 })) - BigInt(DEPTH));
  });

  it("sees a transaction's effect, and calls it confirmed, only once it is `confirmations` deep", async () => {
    await chain.increaseTime(10 * 12);
    const before = await port.lastMintedSlot();
    const tx = await port.coinbase();
    const minted = Number(await headMinted());
    assert.ok(minted > before, "coinbase moved lastMintedSlot at the head");
    const sent = await publicClient.getTransaction({ hash: tx });
    const receipt = await publicClient.getTransactionReceipt({ hash: tx });
    assert.ok(sent.gas >= receipt.gasUsed + 150_000n, `gas limit ${sent.gas} leaves room for a later slot's coinbase`);
    for (let extra = 0; extra < DEPTH; extra++) {
      assert.equal(await port.txStatus(tx), "pending", `${extra} blocks on top`);
      assert.equal(await port.lastMintedSlot(), before, `the port already reads it with ${extra} blocks on top`);
      await mine(1);
    }
    assert.equal(await port.txStatus(tx), "confirmed");
    assert.equal(await port.lastMintedSlot(), minted);
  });

  it("a transaction undone by a reorg shallower than the depth was never confirmed nor read", async () => {
    await chain.increaseTime(10 * 12);
    const snapshot = await rpc("evm_snapshot");
    const before = await port.lastMintedSlot();
    const tx = await port.coinbase();
    await mine(DEPTH - 1);
    assert.equal(await port.txStatus(tx), "pending");
    assert.equal(await port.lastMintedSlot(), before);
    assert.equal(await rpc("evm_revert", [snapshot]), true); // the chain drops those DEPTH blocks
    await mine(DEPTH + 1); // and grows past the old head without the transaction
    assert.equal(await port.txStatus(tx), "unknown", "the transaction is gone: the service sends it again");
    assert.equal(await port.lastMintedSlot(), before);
  });
});

describe("ChainPort on a live subnet: weight rules, subnet existence, commit epochs", async () => {
  const { viem, provider } = await network.create();
  const client = (await viem.getPublicClient()) as unknown as PublicClient;
  const chain = hardhatLocalChain(provider as unknown as EIP1193Provider, client);
  const key = (i: number) => mnemonicToAccount(MNEMONIC, { addressIndex: i });
  const owner = { coldkey: key(0), hotkey: key(10) };
  const { deployment, netuid } = await bootstrapLocalSubnet(chain, {
    network: "hardhat",
    owner,
    validators: [],
    miners: [
      { coldkey: key(2), hotkey: key(12) },
      { coldkey: key(3), hotkey: key(13) },
    ],
    validatorStakeTao: [50n],
    tempo: 20,
    grantTao: 1_000n,
    commitReveal: true,
  });
  const registry = getAddress(deployment.contracts.SubnetRegistry!);
  const governance = chain.wallet(owner.coldkey);
  for (const [param, value] of [
    [8, 3n], // MinAllowedWeights
    [9, 40_000n], // MaxWeightLimit
  ] as const) {
    const hash = await governance.writeContract({
      address: registry,
      abi: subnetRegistryAbi,
      functionName: "setHyperparam",
      args: [netuid, param, value],
      account: governance.account,
      chain: governance.chain,
    });
    await client.waitForTransactionReceipt({ hash });
  }
  const port = createChainPort({ client, wallet: chain.wallet(owner.hotkey), deployment });

  it("takes a broadcast the node answers 'already known' (a retried request whose first try got through) as sent", async () => {
    const w = chain.wallet(owner.hotkey);
    const broadcasts: Hex[] = [];
    const retrying = {
      ...w,
      sendRawTransaction: async (args: Parameters<typeof w.sendRawTransaction>[0]) => {
        broadcasts.push(await w.sendRawTransaction(args));
        throw new Error("RPC error: already known");
      },
    } as typeof w;
    const p = createChainPort({ client, wallet: retrying, deployment });
    await chain.increaseTime(24);
    const tx = await p.coinbase();
    assert.deepEqual(broadcasts, [tx]);
    assert.equal((await client.getTransactionReceipt({ hash: tx })).status, "success");
    const refusing = {
      ...w,
      sendRawTransaction: async () => {
        throw new Error("RPC error: insufficient funds for gas * price + value");
      },
    } as typeof w;
    await chain.increaseTime(24);
    await assert.rejects(
      createChainPort({ client, wallet: refusing, deployment }).coinbase(),
      /^Error: coinbase signed as 0x[0-9a-f]{64} \(nonce \d+\) but not broadcast: RPC error: insufficient funds/,
    );
  });

  it("names the wallet in the fund-hotkey command when a hotkey without gas is refused", async () => {
    const broke = chain.wallet(privateKeyToAccount(generatePrivateKey()));
    await chain.increaseTime(24);
    const names = { wallet: "alice", hotkey: "validator1", network: "localnet" };
    await assert.rejects(
      createChainPort({ client, wallet: broke, deployment, walletNames: names }).coinbase(),
      (err: Error) => {
        assert.match(err.message, /native balance cannot pay the gas/);
        assert.ok(
          err.message.includes(
            "`tao --network localnet wallet fund-hotkey --wallet-name alice --wallet-hotkey validator1`",
          ),
          err.message,
        );
        assert.doesNotMatch(err.message, /<w>|<h>/);
        return true;
      },
    );
  });

  it("says which netuids exist", async () => {
    assert.equal(await port.subnetExists(netuid), true);
    assert.equal(await port.subnetExists(netuid + 1), false);
  });

  it("reads minAllowedWeights, maxWeightLimit, the neuron count and the validator's uid", async () => {
    const state = await port.subnetState(netuid, port.hotkey, await port.currentSlot());
    assert.deepEqual(state.rules, { neuronCount: 3, minAllowedWeights: 3, maxWeightLimit: 40_000, selfUid: 0 });
    assert.equal(state.permit.votersWidened, false, "no epoch missed");
  });

  it("reads the finalised permits once per state (the stale-bit check and the no-permit refusal's wording)", async () => {
    const reads: string[] = [];
    const counting = new Proxy(client, {
      get(target, prop, receiver) {
        if (prop !== "readContract") return Reflect.get(target, prop, receiver);
        return (args: Parameters<PublicClient["readContract"]>[0]) => {
          reads.push(args.functionName);
          return target.readContract(args);
        };
      },
    });
    const slot = await port.currentSlot();
    const owners = createChainPort({ client: counting, wallet: chain.wallet(owner.hotkey), deployment });
    const ownerState = await owners.subnetState(netuid, owner.hotkey.address, slot);
    assert.equal(ownerState.permit.has, true, "the owner's hotkey holds the bootstrap permit");
    assert.equal(ownerState.permit.bootstrap, false, "a hotkey with a permit is never told about bootstrap");
    assert.equal(ownerState.permit.votersWidened, false, "nothing finalised: no stale bit, nothing disproved");
    assert.equal(reads.filter((r) => r === "permits").length, 1, reads.join(", "));
    const minerState = await owners.subnetState(netuid, key(12).address, slot);
    assert.equal(minerState.permit.has, false);
    assert.equal(minerState.permit.bootstrap, true, "no epoch finalised yet");
    assert.equal(reads.filter((r) => r === "permits").length, 2);
  });

  it("hands over the signed commit tx and its nonce before broadcasting it, and reports the commit's epoch", async () => {
    const hash = keccak256(toHex("a commit"));
    const next = await client.getTransactionCount({ address: port.hotkey, blockTag: "pending" });
    // A caller that cannot record the tx stops it: nothing is broadcast.
    let unrecorded: Hex | undefined;
    await assert.rejects(
      port.commitWeights(netuid, hash, (t) => {
        unrecorded = t;
        throw new Error("disk full");
      }),
      /disk full/,
    );
    assert.ok(unrecorded);
    await assert.rejects(client.getTransaction({ hash: unrecorded }), /could not be found/);
    assert.equal(await port.nonceUsed(next), false);

    const sent: [Hex, number][] = [];
    const tx = await port.commitWeights(netuid, hash, (t, nonce) => sent.push([t, nonce]));
    assert.deepEqual(sent, [[tx, next]]);
    assert.equal((await client.getTransaction({ hash: tx })).nonce, next);
    assert.equal(await port.nonceUsed(next), true);
    assert.equal(await port.nonceUsed(next + 1), false);
    const receipt = await client.getTransactionReceipt({ hash: tx });
    const [log] = parseEventLogs({ abi: weightsAbi, eventName: "WeightsCommitted", logs: receipt.logs });
    assert.ok(log);
    assert.deepEqual(await port.pendingCommitEpochs(netuid, port.hotkey, hash), [Number(log.args.commitEpoch)]);
    assert.deepEqual(await port.pendingCommitEpochs(netuid, port.hotkey, keccak256(toHex("another"))), []);
  });
});
