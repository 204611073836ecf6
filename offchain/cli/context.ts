import { createInterface } from "node:readline/promises";
import type { Account, Chain, PrivateKeyAccount, PublicClient, Transport, WalletClient } from "viem";
import {
  assertChainId,
  getPublicClient,
  getWalletClient,
  parseNetworkName,
  resolveNetwork,
  type ResolvedNetwork,
} from "../chain/client.js";
import { displayPath, readDeployment, type LoadedDeployment } from "../chain/deployments.js";
import { discardTypeAhead, readPassword } from "../wallet/password.js";
import { resolveWalletsDir } from "../wallet/paths.js";
import { WalletStore } from "../wallet/wallet-store.js";
import { fail } from "./errors.js";
import type { CliIo } from "./io.js";
import { Output } from "./output.js";

/** The global flags every command sees. */
export interface GlobalOptions {
  readonly network: string;
  readonly json: boolean;
  readonly yes: boolean;
  readonly walletsDir?: string;
}

/** A connection to the selected network's deployment, checked against the node's chain id. */
export interface ChainConnection {
  readonly deployment: LoadedDeployment;
  readonly network: ResolvedNetwork;
  readonly client: PublicClient;
}

/** What a command's action gets: global options, output, prompts, wallets and the chain. */
export class CliContext {
  readonly out: Output;
  private connection: Promise<ChainConnection> | undefined;

  constructor(
    readonly global: GlobalOptions,
    readonly io: CliIo,
  ) {
    this.out = new Output(io, global.json);
  }

  /** Prompts are allowed: not `--json`, and stdin is a terminal. */
  get interactive(): boolean {
    return !this.global.json && this.io.stdin.isTTY === true;
  }

  get walletsDir(): string {
    return resolveWalletsDir(this.global.walletsDir, this.io.env);
  }

  wallets(): WalletStore {
    return new WalletStore(this.walletsDir, this.io.env);
  }

  /** The coldkey password: `TAO_PASSWORD`, else a no-echo prompt when interactive, else an error naming the variable. */
  password(wallet: string, purpose: "unlock" | "create"): Promise<string> {
    return readPassword({
      wallet,
      purpose,
      interactive: this.interactive,
      env: this.io.env,
      input: this.io.stdin,
      output: this.io.stderr,
    });
  }

  /**
   * Decrypts a wallet's coldkey (asking for the password as above). A watch-only wallet (coldkeypub.txt alone)
   * is refused before any password is asked.
   */
  async unlockColdkey(wallet: string): Promise<PrivateKeyAccount> {
    await this.wallets().requireColdkey(wallet);
    return this.wallets().loadColdkey(wallet, await this.password(wallet, "unlock"));
  }

  /**
   * Asks before something irreversible (spending, overwriting a key). `--yes` skips the question; without a
   * terminal or under `--json` there is no one to ask, so the command stops and says to pass `--yes`.
   * Returns only when confirmed.
   */
  async confirm(question: string): Promise<void> {
    if (this.global.yes) return;
    if (!this.interactive) {
      fail(`not confirmed (${question.trim()}): no prompt under --json or without a terminal; pass --yes to proceed`);
    }
    // Keys typed before the question (after a password prompt, or while the chain was read) must not answer it.
    await discardTypeAhead(this.io.stdin);
    this.io.stderr.write(`${question} [y/N] `);
    // The terminal echoes the answer itself (cooked mode); readline only collects the line.
    const rl = createInterface({ input: this.io.stdin, terminal: false });
    try {
      const answer = (await rl.question("")).trim().toLowerCase();
      if (answer !== "y" && answer !== "yes") fail("cancelled: nothing was changed");
    } finally {
      rl.close();
    }
  }

  /** The deployment of `--network`, its RPC URL and a PublicClient, checked to be the same chain (once per run). */
  connect(): Promise<ChainConnection> {
    this.connection ??= this.openConnection();
    return this.connection;
  }

  /** A WalletClient on the connected network signing with `account`. */
  async walletClient(account: Account): Promise<WalletClient<Transport, Chain, Account>> {
    const { network } = await this.connect();
    return getWalletClient(network, account);
  }

  private async openConnection(): Promise<ChainConnection> {
    const name = parseNetworkName(this.global.network);
    const deployment = await readDeployment(name, { env: this.io.env });
    const network = resolveNetwork(name, {
      env: this.io.env,
      deploymentRpcUrl: deployment.rpcUrl,
      chainId: deployment.chainId,
    });
    const client = getPublicClient(network);
    await assertChainId(client, network, deployment.chainId, displayPath(deployment.file));
    return { deployment, network, client };
  }
}
