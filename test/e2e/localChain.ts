import {
  createWalletClient,
  custom,
  numberToHex,
  type EIP1193Provider,
  type LocalAccount,
  type PublicClient,
} from "viem";
import { hardhat } from "viem/chains";
import type { LocalChain } from "../../offchain/localnet/bootstrap.js";

/** A LocalChain over Hardhat's in-process network (EIP-1193 provider). */
export function hardhatLocalChain(provider: EIP1193Provider, publicClient: PublicClient): LocalChain {
  return {
    publicClient,
    wallet: (account: LocalAccount) => createWalletClient({ account, chain: hardhat, transport: custom(provider) }),
    increaseTime: async (seconds: number) => {
      await provider.request({ method: "evm_increaseTime" as never, params: [seconds] as never });
      await provider.request({ method: "evm_mine" as never, params: [] as never });
    },
    setBalance: async (address, wei) => {
      await provider.request({ method: "hardhat_setBalance" as never, params: [address, numberToHex(wei)] as never });
    },
  };
}
