// readAfterMint against a real Anvil: the reads behind a coinbase go through Multicall3 at its canonical address
// where the chain has code there (most public chains; a deployless eth_call without `to` may be answered wrongly
// by Bittensor's Frontier EVM), deployless where it has none (Anvil), looked up once per client, and both ways
// see exactly the pool a real coinbase leaves.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  createPublicClient,
  custom,
  decodeAbiParameters,
  deploylessCallViaBytecodeBytecode,
  http,
  multicall3Abi,
  type EIP1193Parameters,
  type Hex,
  type PublicClient,
} from "viem";
import { foundry } from "viem/chains";
import { emissionAbi, stakingAbi } from "../../offchain/abi/index.js";
import { MULTICALL3_ADDRESS, readAfterMint } from "../../offchain/cli/readAfterMint.js";
import { startCliChain, type CliChain } from "./chainFixture.js";

/** A client of `url` that records every JSON-RPC request it sends. */
function spiedClient(url: string): { client: PublicClient; requests: { method: string; params: unknown }[] } {
  const requests: { method: string; params: unknown }[] = [];
  const inner = http(url)({ chain: foundry });
  const transport = custom({
    request: async (args: EIP1193Parameters) => {
      requests.push({ method: args.method, params: args.params });
      return inner.request(args);
    },
  });
  return { client: createPublicClient({ chain: foundry, transport }), requests };
}

const ethCalls = (requests: { method: string; params: unknown }[]) =>
  requests.filter((r) => r.method === "eth_call").map((r) => (r.params as [{ to?: string; data: Hex }])[0]);

/**
 * Multicall3's creation code as viem carries it (not exported): the first constructor argument of the
 * deployless call it makes, `deploylessCallViaBytecode(bytes code, bytes data)`.
 */
async function multicall3CreationCode(url: string, read: { address: `0x${string}`; abi: typeof emissionAbi }) {
  const { client, requests } = spiedClient(url);
  await client.multicall({ contracts: [{ ...read, functionName: "genesisTime" }], deployless: true });
  const [call] = ethCalls(requests);
  assert.ok(call?.data.startsWith(deploylessCallViaBytecodeBytecode), "a deployless call via bytecode");
  const args = `0x${call.data.slice(deploylessCallViaBytecodeBytecode.length)}` as Hex;
  const [code] = decodeAbiParameters([{ type: "bytes" }, { type: "bytes" }], args);
  return code;
}

describe("readAfterMint: Multicall3 where deployed, deployless where not (against a real Anvil)", () => {
  let chain: CliChain;
  let pool: { address: `0x${string}`; abi: typeof stakingAbi; functionName: "pool"; args: [number] };
  let multicall3Runtime: Hex;
  let deployless: Awaited<ReturnType<PublicClient["readContract"]>>;

  before(async () => {
    chain = await startCliChain({ tmpPrefix: "tao-cli-read-after-mint-", wallets: ["alice"], grants: { alice: 300n } });
    await chain.ok(["subnet", "create", "--wallet", "alice", "--hotkey", "default"]);
    await chain.ok(["subnet", "start", "1", "--wallet", "alice"]);
    pool = { address: chain.deployment.contracts.Staking!, abi: stakingAbi, functionName: "pool", args: [1] };
    // Multicall3 deployed the ordinary way, for its runtime code (at its own address: the canonical one is empty).
    const bytecode = await multicall3CreationCode(chain.anvil.url, {
      address: chain.deployment.contracts.Emission,
      abi: emissionAbi,
    });
    const hash = await chain.gov.deployContract({
      abi: multicall3Abi,
      bytecode,
      account: chain.gov.account!,
      chain: chain.gov.chain,
    });
    const { contractAddress } = await chain.pub.waitForTransactionReceipt({ hash });
    multicall3Runtime = (await chain.pub.getCode({ address: contractAddress! }))!;
    assert.ok(multicall3Runtime.length > 2);
    // Emission the coinbase will mint, then the clock pinned: the head block opens a slot, and the coinbase
    // sent below lands one second later, in the slot every read here sees.
    await chain.advanceSlots(300);
    await chain.pinNextSlot();
  });

  after(async () => {
    await chain?.stop();
  });

  it("with no code at Multicall3's address, reads in one deployless eth_call after the coinbase", async () => {
    assert.equal(await chain.pub.getCode({ address: MULTICALL3_ADDRESS }), undefined, "Anvil has no Multicall3");
    const { client, requests } = spiedClient(chain.anvil.url);
    const stored = await chain.pub.readContract(pool);
    const [seen] = (await readAfterMint({ client, emission: chain.deployment.contracts.Emission }, [pool])) as [
      typeof stored,
    ];
    deployless = seen;
    assert.ok(seen.taoReserve > stored.taoReserve, "the pending emission is in the pool read");
    const lookups = requests.filter((r) => r.method === "eth_getCode");
    assert.equal(lookups.length, 1, "Multicall3's address is looked at");
    assert.equal((lookups[0]!.params as [string])[0].toLowerCase(), MULTICALL3_ADDRESS.toLowerCase());
    const calls = ethCalls(requests);
    assert.equal(calls.length, 1, "one eth_call: the coinbase and the reads together");
    assert.equal(calls[0]!.to, undefined, "deployless: no `to`");
  });

  it("with Multicall3's code there, reads through it, looked up once per client, and sees the same pool", async () => {
    await chain.test.setCode({ address: MULTICALL3_ADDRESS, bytecode: multicall3Runtime });
    const { client, requests } = spiedClient(chain.anvil.url);
    const p = { client, emission: chain.deployment.contracts.Emission };
    const [seen] = await readAfterMint(p, [pool]);
    const [again] = await readAfterMint(p, [pool]);
    const calls = ethCalls(requests);
    assert.equal(calls.length, 2, "one eth_call a read");
    for (const call of calls) assert.equal(call.to?.toLowerCase(), MULTICALL3_ADDRESS.toLowerCase());
    assert.equal(requests.filter((r) => r.method === "eth_getCode").length, 1, "the code is looked up once");
    assert.deepEqual(seen, deployless, "the same pool as the deployless read");
    assert.deepEqual(again, deployless);

    // Exactly the pool a real coinbase leaves.
    const hash = await chain.gov.writeContract({
      address: chain.deployment.contracts.Emission,
      abi: emissionAbi,
      functionName: "coinbase",
      account: chain.gov.account!,
      chain: chain.gov.chain,
    });
    assert.equal((await chain.pub.waitForTransactionReceipt({ hash })).status, "success");
    assert.deepEqual(await chain.pub.readContract(pool), seen, "exactly the pool a coinbase leaves");
  });
});
