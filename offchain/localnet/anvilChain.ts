import { createPublicClient, createWalletClient, http, numberToHex, type LocalAccount, type PublicClient } from "viem";
import { foundry } from "viem/chains";
import type { LocalChain } from "./bootstrap.js";

/** A LocalChain over an Anvil JSON-RPC endpoint: one public client, wallets per local account. */
export function anvilLocalChain(url: string): LocalChain & { publicClient: PublicClient } {
  const transport = http(url);
  const publicClient = createPublicClient({ chain: foundry, transport, pollingInterval: 100 }) as PublicClient;
  return {
    publicClient,
    wallet: (account: LocalAccount) => createWalletClient({ account, chain: foundry, transport }),
    increaseTime: async (seconds: number) => {
      await publicClient.request({ method: "evm_increaseTime" as never, params: [seconds] as never });
      await publicClient.request({ method: "evm_mine" as never, params: [] as never });
    },
    setBalance: async (address, wei) => {
      await publicClient.request({ method: "anvil_setBalance" as never, params: [address, numberToHex(wei)] as never });
    },
  };
}
