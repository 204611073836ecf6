import type { Command } from "commander";
import {
  formatEther,
  getAddress,
  isAddressEqual,
  parseEther,
  recoverMessageAddress,
  zeroAddress,
  type Address,
  type Hex,
} from "viem";
import { z } from "zod";
import { taoAbi } from "../../abi/index.js";
import { SCRYPT_N_ENV, scryptOverride } from "../../wallet/keystore.js";
import { checkName } from "../../wallet/names.js";
import { NEW_PASSWORD_ENV, PASSWORD_ENV, readHidden, readPassword } from "../../wallet/password.js";
import { IMPORT_SECRET_ENV, parseSecret, type ImportSecret } from "../../wallet/secret.js";
import {
  MIN_PASSWORD_LENGTH,
  MNEMONIC_WORD_COUNTS,
  type ColdkeypubWritten,
  type MnemonicWords,
  type WalletCreated,
  type WalletSummary,
  type WrittenKey,
} from "../../wallet/wallet-store.js";
import {
  addSignerOptions,
  connectProtocol,
  hotkeyAddress,
  parseAddress,
  parseTao,
  requireGas,
  send,
  signerNames,
  signerOptionsSchema,
  unlockColdkey,
  type Protocol,
} from "../chain-context.js";
import { defineCommandGroup, type CliApp } from "../command-group.js";
import type { CliContext } from "../context.js";
import { fail } from "../errors.js";
import { mapPool, READ_CONCURRENCY } from "../neurons.js";
import { formatTao, renderFields, renderTable, taoCell } from "../output.js";
import { addWalletOptions, resolveWalletNames, walletOptionsSchema } from "../wallet-options.js";
import { allNeurons, stakePositions, walletHotkeyAddresses, walletHotkeyNames } from "./stake.js";
import { protocolContractAt } from "../protocolContracts.js";

/** `--words`: a BIP-39 length; the message names the value (a coerced number would say "received nan"). */
const wordsSchema = z
  .string()
  .transform((raw, ctx): MnemonicWords => {
    const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
    if (!(MNEMONIC_WORD_COUNTS as readonly number[]).includes(n)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `${JSON.stringify(raw)} is not a mnemonic length: use one of ${MNEMONIC_WORD_COUNTS.join(", ")}`,
      });
      return z.NEVER;
    }
    return n as MnemonicWords;
  })
  .optional();

const createSchema = walletOptionsSchema.extend({
  hotkey: z.boolean().default(true),
  words: wordsSchema,
  overwrite: z.boolean().default(false),
});

const balanceSchema = signerOptionsSchema.extend({ address: z.string().optional() });

const fundHotkeySchema = signerOptionsSchema.extend({ amount: z.string().default("0.05") });

/** Native coin (18 decimals) from a flag: a positive decimal, or a one-line error naming it. */
function parseNative(value: string, flag: string): bigint {
  if (!/^\d+(\.\d{1,18})?$/.test(value))
    fail(`${flag} ${value} is not an amount of the native coin: pass a decimal such as 0.05 (18 decimals at most)`);
  const wei = parseEther(value);
  if (wei === 0n) fail(`${flag} 0 sends nothing: pass a positive amount`);
  return wei;
}

const transferSchema = signerOptionsSchema.extend({
  dest: z.string(),
  amount: z.string().optional(),
  all: z.boolean().default(false),
  native: z.boolean().default(false),
});

/**
 * Sends `amount` of the chain's native coin (gas) from the wallet's coldkey to `to`, after checking the coldkey
 * can pay it and the gas and asking; returns the hash and `to`'s balance before and after.
 */
async function sendNative(
  ctx: CliContext,
  p: Protocol,
  opts: z.output<typeof signerOptionsSchema>,
  to: Address,
  amount: bigint,
  what: string,
): Promise<{ from: Address; hash: Hex; before: bigint; after: bigint }> {
  const { wallet } = signerNames(opts, ctx.io.env);
  const from = await ctx.wallets().coldkeyAddress(wallet);
  const balance = await p.client.getBalance({ address: from });
  if (balance <= amount) {
    fail(
      `coldkey ${from} holds ${formatEther(balance)} of ${p.network.name}'s native coin, not enough to send ${formatEther(amount)} and pay the gas: fund the coldkey or lower --amount`,
    );
  }
  const before = await p.client.getBalance({ address: to });
  await ctx.confirm(`Send ${formatEther(amount)} native coin from coldkey ${from} to ${what} ${to}?`);
  const coldkey = await unlockColdkey(ctx, opts);
  const client = await ctx.walletClient(coldkey);
  const hash = await client.sendTransaction({ to, value: amount });
  const receipt = await p.client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") fail(`the transfer to ${what} ${to} failed on chain in ${hash}`);
  return { from, hash, before, after: await p.client.getBalance({ address: to }) };
}

/**
 * `--dest` of `tao wallet transfer`, checked the same for TAO and the native coin (`coin` names it in the
 * messages): refused when it is the zero address, the wallet's own coldkey or a protocol contract of the
 * deployment. Returns the address, the sending coldkey and the connected protocol.
 */
async function checkDestination(
  ctx: CliContext,
  opts: z.output<typeof transferSchema>,
  coin: string,
): Promise<{ dest: Address; from: Address; p: Protocol }> {
  const dest = parseAddress(opts.dest, "--dest");
  if (dest === zeroAddress)
    fail(`--dest ${opts.dest} is the zero address: ${coin} sent there is lost; pass the recipient's address`);
  const { wallet } = signerNames(opts, ctx.io.env);
  const from = await ctx.wallets().coldkeyAddress(wallet);
  if (isAddressEqual(dest, from)) fail(`--dest ${dest} is wallet ${wallet}'s own coldkey: nothing would move`);
  const p = await connectProtocol(ctx);
  const contract = protocolContractAt(p, dest);
  if (contract !== undefined) {
    fail(
      `--dest ${dest} is the ${contract} contract of this deployment: ${coin} sent there is lost (or refused); ` +
        "pass the recipient's address",
    );
  }
  return { dest, from, p };
}

/** The TAO (ERC-20) balance of `who`, in rao. */
function taoBalance(p: Protocol, who: Address): Promise<bigint> {
  return p.client.readContract({ address: p.tao, abi: taoAbi, functionName: "balanceOf", args: [who] });
}

const secretFlags = z.object({
  mnemonic: z.string().optional(),
  privateKey: z.string().optional(),
});

const importSchema = walletOptionsSchema.merge(secretFlags).extend({ overwrite: z.boolean().default(false) });

const newHotkeySchema = walletOptionsSchema.merge(secretFlags).extend({
  import: z.boolean().default(false),
  words: wordsSchema,
  overwrite: z.boolean().default(false),
});

function addSecretOptions(cmd: Command): Command {
  return cmd
    .option(
      "--mnemonic <words>",
      `BIP-39 mnemonic to import (visible in shell history: prefer $${IMPORT_SECRET_ENV} or the prompt)`,
    )
    .option(
      "--private-key <hex>",
      `private key to import (visible in shell history: prefer $${IMPORT_SECRET_ENV} or the prompt)`,
    );
}

/** The key to import: a flag, else TAO_IMPORT_SECRET, else a hidden prompt on a terminal. */
async function readImportSecret(ctx: CliContext, opts: z.output<typeof secretFlags>): Promise<ImportSecret> {
  if (opts.mnemonic !== undefined && opts.privateKey !== undefined) {
    fail("both --mnemonic and --private-key were given: pass only one");
  }
  if (opts.privateKey !== undefined || opts.mnemonic !== undefined) {
    ctx.out.warn(
      `a key on the command line can end up in shell history and the process list; prefer ${IMPORT_SECRET_ENV} or the prompt`,
    );
    return opts.privateKey !== undefined
      ? { kind: "privateKey", privateKey: opts.privateKey }
      : { kind: "mnemonic", phrase: opts.mnemonic ?? "" };
  }
  const fromEnv = ctx.io.env[IMPORT_SECRET_ENV];
  if (fromEnv) return parseSecret(fromEnv);
  if (!ctx.interactive) {
    fail(
      `no key to import: set ${IMPORT_SECRET_ENV} to the mnemonic or private key, or pass --mnemonic / --private-key`,
    );
  }
  return parseSecret(await readHidden("Mnemonic or private key (hidden): ", ctx.io.stdin, ctx.io.stderr));
}

/** Wallet and hotkey names from flags/env, checked before any prompt so a typo fails first. */
function checkedNames(
  opts: z.output<typeof walletOptionsSchema>,
  ctx: CliContext,
  withHotkey: boolean,
): { wallet: string; hotkey: string } {
  const names = resolveWalletNames(opts, ctx.io.env);
  checkName("wallet", names.wallet);
  if (withHotkey) checkName("hotkey", names.hotkey);
  return names;
}

function warnWeakKdf(ctx: CliContext): void {
  const n = scryptOverride(ctx.io.env);
  if (n !== undefined)
    ctx.out.warn(`${SCRYPT_N_ENV}=${n} weakens the keystore's scrypt (default 131072): for tests only`);
}

async function newPassword(ctx: CliContext, wallet: string): Promise<string> {
  return checkLength(wallet, await ctx.password(wallet, "create"));
}

function checkLength(wallet: string, password: string): string {
  if (password.length < MIN_PASSWORD_LENGTH) {
    fail(`the password for wallet ${wallet} is ${password.length} characters; use at least ${MIN_PASSWORD_LENGTH}`);
  }
  return password;
}

function keyJson(key: WrittenKey): Record<string, unknown> {
  return { name: key.name, address: key.address, file: key.file, mnemonic: key.mnemonic, replaced: key.replaced };
}

function createdJson(created: WalletCreated): Record<string, unknown> {
  return {
    wallet: created.wallet,
    dir: created.dir,
    coldkey: keyJson(created.coldkey),
    hotkey: created.hotkey ? keyJson(created.hotkey) : null,
  };
}

function mnemonicLines(label: string, mnemonic: string | null): string[] {
  if (mnemonic === null) return [];
  return [
    "",
    `${label} mnemonic — write it down and keep it offline; anyone with it controls the key:`,
    `  ${mnemonic}`,
  ];
}

function renderCreated(verb: string, created: WalletCreated): string {
  const rows: [string, string][] = [
    ["wallet", created.wallet],
    ["directory", created.dir],
    ["coldkey", created.coldkey.address],
    ["coldkey file", `${created.coldkey.file} (encrypted keystore)`],
  ];
  if (created.hotkey) {
    rows.push([`hotkey ${created.hotkey.name}`, created.hotkey.address]);
    rows.push(["hotkey file", `${created.hotkey.file} (NOT encrypted, mode 0600)`]);
  }
  const replaced = [created.coldkey.replaced, created.hotkey?.replaced].filter((r): r is string => !!r);
  return [
    `${verb} wallet ${created.wallet}`,
    renderFields(rows),
    ...replaced.map((r) => `previous key kept as ${r}`),
    ...mnemonicLines("Coldkey", created.coldkey.mnemonic),
    ...mnemonicLines(`Hotkey ${created.hotkey?.name ?? ""}`, created.hotkey?.mnemonic ?? null),
  ].join("\n");
}

function summaryJson(w: WalletSummary): Record<string, unknown> {
  return {
    name: w.name,
    dir: w.dir,
    coldkey: w.coldkey,
    encrypted: w.hasColdkey,
    watchOnly: w.watchOnly,
    hotkeys: w.hotkeys.map((h) => ({ name: h.name, address: h.address, file: h.file, problem: h.problem })),
    problems: w.problems,
  };
}

function register(group: Command, app: CliApp): void {
  addWalletOptions(
    group
      .command("create")
      .description("create a wallet: an encrypted coldkey and (unless --no-hotkey) a hotkey")
      .option("--no-hotkey", "create the coldkey only")
      .option("--words <n>", `mnemonic length: ${MNEMONIC_WORD_COUNTS.join(", ")} (default 12)`)
      .option("--overwrite", "replace existing keys (the old files are kept as *.replaced-<time>)"),
    { hotkey: true },
  ).action(
    app.action(createSchema, async (ctx, opts) => {
      const { wallet, hotkey } = checkedNames(opts, ctx, opts.hotkey);
      const store = ctx.wallets();
      if (opts.overwrite) await ctx.confirm(`Replace the existing keys of wallet ${wallet}?`);
      const password = await newPassword(ctx, wallet);
      const created = await store.createWallet({
        name: wallet,
        password,
        hotkey: opts.hotkey ? hotkey : null,
        words: opts.words,
        overwrite: opts.overwrite,
      });
      warnWeakKdf(ctx);
      ctx.out.result(createdJson(created), () => renderCreated("Created", created));
    }),
  );

  addSecretOptions(
    addWalletOptions(
      group
        .command("import")
        .description(
          `import a coldkey from a mnemonic or private key ($${IMPORT_SECRET_ENV}, a flag, or a hidden prompt)`,
        )
        .option("--overwrite", "replace an existing coldkey (the old file is kept as coldkey.json.replaced-<time>)"),
      { hotkey: false },
    ),
  ).action(
    app.action(importSchema, async (ctx, opts) => {
      const { wallet } = checkedNames(opts, ctx, false);
      const secret = await readImportSecret(ctx, opts);
      if (opts.overwrite) await ctx.confirm(`Replace the existing coldkey of wallet ${wallet}?`);
      const password = await newPassword(ctx, wallet);
      const created = await ctx.wallets().importWallet({ name: wallet, password, secret, overwrite: opts.overwrite });
      warnWeakKdf(ctx);
      ctx.out.result(createdJson(created), () => renderCreated("Imported", created));
    }),
  );

  group
    .command("list")
    .description("list the wallets and their hotkeys (no password needed)")
    .action(
      app.action(z.object({}), async (ctx) => {
        const wallets = await ctx.wallets().listWallets();
        ctx.out.result({ walletsDir: ctx.walletsDir, wallets: wallets.map(summaryJson) }, () => {
          if (wallets.length === 0)
            return `No wallets in ${ctx.walletsDir}: create one with \`tao wallet create --wallet-name <name>\``;
          const rows: string[][] = [];
          for (const w of wallets) {
            const hotkeys = w.hotkeys.length > 0 ? w.hotkeys : [null];
            hotkeys.forEach((h, i) => {
              rows.push([
                i === 0 ? w.name : "",
                i === 0 ? `${w.coldkey ?? "(unknown)"}${w.watchOnly ? " (watch-only)" : ""}` : "",
                h?.name ?? "(none)",
                h === null ? "" : (h.address ?? `(unreadable: ${h.problem ?? ""})`),
              ]);
            });
          }
          const problems = wallets.flatMap((w) => w.problems.map((p) => `${w.name}: ${p}`));
          return [
            `Wallets in ${ctx.walletsDir}`,
            renderTable(["Wallet", "Coldkey", "Hotkey", "Hotkey address"], rows),
            ...problems,
          ].join("\n");
        });
      }),
    );

  addWalletOptions(group.command("show").description("show one wallet's coldkey and hotkeys (no password needed)"), {
    hotkey: false,
  }).action(
    app.action(walletOptionsSchema, async (ctx, opts) => {
      const { wallet } = resolveWalletNames(opts, ctx.io.env);
      const w = await ctx.wallets().showWallet(wallet);
      ctx.out.result(summaryJson(w), () => {
        const rows: [string, string][] = [
          ["wallet", w.name],
          ["directory", w.dir],
          ["coldkey", w.coldkey ?? "(unknown: coldkeypub.txt missing)"],
          [
            "encrypted coldkey",
            w.hasColdkey
              ? "coldkey.json"
              : `none (watch-only): import it with \`tao wallet import --wallet-name ${w.name}\` to sign`,
          ],
        ];
        for (const h of w.hotkeys) rows.push([`hotkey ${h.name}`, h.address ?? `(unreadable: ${h.problem ?? ""})`]);
        if (w.hotkeys.length === 0) rows.push(["hotkeys", "none: add one with `tao wallet new-hotkey`"]);
        return [renderFields(rows), ...w.problems.map((p) => `problem: ${p}`)].join("\n");
      });
    }),
  );

  addSecretOptions(
    addWalletOptions(
      group
        .command("new-hotkey")
        .description("add a hotkey to a wallet, or regenerate one from its key with --import")
        .option(
          "--import",
          `regenerate from a mnemonic or private key ($${IMPORT_SECRET_ENV}, a flag, or a hidden prompt)`,
        )
        .option("--words <n>", `mnemonic length: ${MNEMONIC_WORD_COUNTS.join(", ")} (default 12)`)
        .option("--overwrite", "replace an existing hotkey (the old file is kept as <hotkey>.json.replaced-<time>)"),
      { hotkey: true },
    ),
  ).action(
    app.action(newHotkeySchema, async (ctx, opts) => {
      const { wallet, hotkey } = checkedNames(opts, ctx, true);
      const regenerate = opts.import || opts.mnemonic !== undefined || opts.privateKey !== undefined;
      const secret = regenerate ? await readImportSecret(ctx, opts) : undefined;
      if (opts.overwrite) await ctx.confirm(`Replace hotkey ${hotkey} of wallet ${wallet}?`);
      const key = await ctx
        .wallets()
        .createHotkey({ name: wallet, hotkey, secret, words: opts.words, overwrite: opts.overwrite });
      ctx.out.result({ wallet, hotkey: keyJson(key) }, () =>
        [
          `${regenerate ? "Imported" : "Created"} hotkey ${hotkey} of wallet ${wallet}`,
          renderFields([
            ["address", key.address],
            ["file", `${key.file} (NOT encrypted, mode 0600)`],
          ]),
          ...(key.replaced ? [`previous hotkey kept as ${key.replaced}`] : []),
          ...mnemonicLines(`Hotkey ${hotkey}`, key.mnemonic),
        ].join("\n"),
      );
    }),
  );

  addSignerOptions(
    group
      .command("balance")
      .description("the coldkey's free TAO and the value of its stake at spot over every subnet (no password needed)")
      .option("--address <address>", "show this address instead of the wallet's coldkey"),
    { hotkey: false },
  ).action(
    app.action(balanceSchema, async (ctx, opts) => {
      const { wallet } = signerNames(opts, ctx.io.env);
      const byAddress = opts.address !== undefined;
      const coldkey = byAddress
        ? parseAddress(opts.address ?? "", "--address")
        : await ctx.wallets().coldkeyAddress(wallet);
      const own = byAddress ? [] : await walletHotkeyAddresses(ctx, wallet);
      const p = await connectProtocol(ctx);
      const [free, native, positions] = await Promise.all([
        taoBalance(p, coldkey),
        p.client.getBalance({ address: coldkey }),
        stakePositions(p, coldkey, own),
      ]);
      const staked = positions.reduce((s, x) => s + x.taoValue, 0n);
      const swap = positions.reduce((s, x) => s + x.swapValue, 0n);
      const data = {
        network: p.network.name,
        wallet: byAddress ? null : wallet,
        coldkey,
        free,
        staked,
        stakedSwapValue: swap,
        total: free + staked,
        positions: positions.length,
        nativeBalance: native,
      };
      ctx.out.result(data, () =>
        [
          `Balance of ${byAddress ? "" : `wallet ${wallet}, `}coldkey ${coldkey} on ${p.network.name}`,
          renderFields([
            ["free", taoCell(free)],
            [
              "staked (value at spot)",
              `${taoCell(staked)} in ${positions.length} position${positions.length === 1 ? "" : "s"} (see \`tao stake list\`)`,
            ],
            ["staked (if unstaked now)", `${taoCell(swap)} (after the pool fee and price impact)`],
            ["total", taoCell(free + staked)],
            [
              "native balance (gas)",
              `${formatEther(native)} ${p.client.chain?.nativeCurrency.symbol ?? "(native coin)"}`,
            ],
          ]),
        ].join("\n"),
      );
    }),
  );

  addSignerOptions(
    group
      .command("overview")
      .description(
        "the wallet's neurons on every subnet (uid, stake, permit, axon), its hotkeys' gas and its balance (no password needed)",
      ),
    { hotkey: false },
  ).action(
    app.action(signerOptionsSchema, async (ctx, opts) => {
      const { wallet } = signerNames(opts, ctx.io.env);
      const coldkey = await ctx.wallets().coldkeyAddress(wallet);
      const names = await walletHotkeyNames(ctx, wallet);
      const own = [...names.keys()];
      const p = await connectProtocol(ctx);
      const subnets = await allNeurons(p); // once: for the positions and the neurons
      const [free, native, positions, gas] = await Promise.all([
        taoBalance(p, coldkey),
        p.client.getBalance({ address: coldkey }),
        stakePositions(p, coldkey, own, subnets),
        mapPool(own, READ_CONCURRENCY, (address) => p.client.getBalance({ address })),
      ]);
      // btcli's overview: the neurons whose hotkey is the wallet's or whose coldkey is the wallet's coldkey.
      const neurons = [...subnets].flatMap(([netuid, rows]) =>
        rows
          .filter((r) => names.has(getAddress(r.hotkey)) || getAddress(r.coldkey) === getAddress(coldkey))
          .map((r) => ({
            netuid,
            uid: r.uid,
            hotkey: getAddress(r.hotkey),
            hotkeyName: names.get(getAddress(r.hotkey)) ?? null,
            stakeWeight: r.stakeWeight,
            permit: r.permit,
            immune: r.immune,
            registrationSlot: r.registrationSlot,
            lastUpdate: r.lastUpdate,
            axon: r.axon.endpoint === "" ? null : r.axon.endpoint,
          })),
      );
      const staked = positions.reduce((sum, x) => sum + x.taoValue, 0n);
      const symbol = p.client.chain?.nativeCurrency.symbol ?? "(native coin)";
      const hotkeys = own.map((address, i) => ({ name: names.get(address) as string, address, gas: gas[i] as bigint }));
      ctx.out.result(
        { network: p.network.name, wallet, coldkey, free, staked, nativeBalance: native, hotkeys, neurons },
        () =>
          [
            `Wallet ${wallet}, coldkey ${coldkey} on ${p.network.name}`,
            renderFields([
              ["free", taoCell(free)],
              ["staked (value at spot)", `${taoCell(staked)} (see \`tao stake list\`)`],
              ["native balance (gas)", `${formatEther(native)} ${symbol}`],
            ]),
            ...(hotkeys.length === 0
              ? ["No hotkeys: add one with `tao wallet new-hotkey`"]
              : [
                  renderTable(
                    ["hotkey", "address", `gas (${symbol})`],
                    hotkeys.map((h) => [h.name, h.address, formatEther(h.gas)]),
                  ),
                ]),
            ...(neurons.length === 0
              ? [
                  "No neurons: register a hotkey with `tao subnet register --netuid <n> --wallet " +
                    `${wallet} --hotkey <name>\``,
                ]
              : [
                  renderTable(
                    ["netuid", "uid", "hotkey", "stake weight (α)", "permit", "immune", "last update", "axon"],
                    neurons.map((n) => [
                      String(n.netuid),
                      String(n.uid),
                      n.hotkeyName ?? n.hotkey,
                      formatTao(n.stakeWeight),
                      n.permit ? "yes" : "no",
                      n.immune ? "yes" : "no",
                      String(n.lastUpdate),
                      n.axon ?? "-",
                    ]),
                  ),
                ]),
          ].join("\n"),
      );
    }),
  );

  addSignerOptions(
    group
      .command("transfer")
      .description("send TAO (the ERC-20), or with --native the chain's native coin, from the wallet's coldkey")
      .requiredOption("--dest <address>", "the recipient's address")
      .option("--amount <tao>", "TAO to send (9 decimals at most); with --native, coin (18 decimals at most)")
      .option("--all", "send the coldkey's whole free TAO balance")
      .option("--native", "send the chain's native coin (gas) instead of TAO"),
    { hotkey: false },
  ).action(
    app.action(transferSchema, async (ctx, opts) => {
      if (opts.all === (opts.amount !== undefined)) fail("pass exactly one of --amount <tao> or --all");
      await ctx.wallets().requireColdkey(signerNames(opts, ctx.io.env).wallet); // a watch-only wallet cannot send
      const { dest, from, p } = await checkDestination(ctx, opts, opts.native ? "the native coin" : "TAO");
      if (opts.native) {
        if (opts.all) fail("--all sends TAO only: give the native coin with --amount <coin>");
        const amount = parseNative(opts.amount ?? "", "--amount");
        const sent = await sendNative(ctx, p, opts, dest, amount, "address");
        ctx.out.result(
          {
            network: p.network.name,
            from: sent.from,
            dest,
            amount,
            native: true,
            destBalanceBefore: sent.before,
            destBalanceAfter: sent.after,
            tx: sent.hash,
          },
          () =>
            `Sent ${formatEther(amount)} native coin to ${dest}: it holds ${formatEther(sent.after)} (${sent.hash})`,
        );
        return;
      }
      const asked = opts.amount === undefined ? undefined : parseTao(opts.amount, "--amount");
      if (asked === 0n) fail("--amount 0 sends nothing: pass a positive TAO amount");
      const balance = await taoBalance(p, from);
      const amount = asked ?? balance;
      if (amount === 0n) fail(`coldkey ${from} holds 0 TAO: nothing to send; fund it first`);
      if (amount > balance) {
        fail(
          `insufficient balance: coldkey ${from} holds ${formatTao(balance)} TAO but --amount is ${formatTao(amount)} TAO: lower --amount (or pass --all) or fund the coldkey`,
        );
      }
      await requireGas(p, from, "coldkey");
      ctx.out.note(
        `transfer ${taoCell(amount)} from ${from} to ${dest} on ${p.network.name} (balance ${taoCell(balance)} -> ${taoCell(balance - amount)})`,
      );
      await ctx.confirm(`Transfer ${taoCell(amount)} from coldkey ${from} to ${dest}?`);
      const coldkey = await unlockColdkey(ctx, opts);
      const sent = await send<boolean>(ctx, p, coldkey, `transfer ${formatTao(amount)} TAO`, {
        address: p.tao,
        abi: taoAbi,
        functionName: "transfer",
        args: [dest, amount],
      });
      const after = await taoBalance(p, from);
      ctx.out.result(
        { network: p.network.name, from, dest, amount, balanceBefore: balance, balanceAfter: after, tx: sent.hash },
        () => `Transferred ${taoCell(amount)} from ${from} to ${dest}: balance ${taoCell(after)} (${sent.hash})`,
      );
    }),
  );
  registerFundHotkey(group, app);
  registerKeyCommands(group, app);
}

function registerFundHotkey(group: Command, app: CliApp): void {
  addSignerOptions(
    group
      .command("fund-hotkey")
      .description(
        "send the chain's native coin from the wallet's coldkey to its hotkey: hotkeys sign (and pay gas for) weights, axon and settlement transactions",
      )
      .option("--amount <coin>", "native coin to send (18 decimals at most)", "0.05"),
    { hotkey: true },
  ).action(
    app.action(fundHotkeySchema, async (ctx, opts) => {
      const amount = parseNative(opts.amount, "--amount");
      await ctx.wallets().requireColdkey(signerNames(opts, ctx.io.env).wallet); // a watch-only wallet cannot send
      const hotkey = await hotkeyAddress(ctx, opts);
      const p = await connectProtocol(ctx);
      const { from, hash, before, after } = await sendNative(ctx, p, opts, hotkey, amount, "hotkey");
      ctx.out.result(
        {
          network: p.network.name,
          from,
          hotkey,
          amount,
          hotkeyBalanceBefore: before,
          hotkeyBalanceAfter: after,
          tx: hash,
        },
        () =>
          `Sent ${formatEther(amount)} native coin to hotkey ${hotkey}: it holds ${formatEther(after)} for gas (${hash})`,
      );
    }),
  );
}

const regenColdkeypubSchema = walletOptionsSchema.extend({
  address: z.string(),
  overwrite: z.boolean().default(false),
});

const signSchema = walletOptionsSchema.extend({
  message: z.string(),
  useHotkey: z.boolean().default(false),
});

const verifySchema = z.object({ message: z.string(), signature: z.string(), address: z.string() });

/** A 65-byte `r ‖ s ‖ v` signature from `--signature`, or a one-line error naming it and what it should be. */
function parseSignature(raw: string): Hex {
  if (!/^0x[0-9a-fA-F]*$/.test(raw)) {
    fail(
      `--signature ${JSON.stringify(raw)} is not 0x-prefixed hex: pass the 0x… signature \`tao wallet sign\` printed`,
    );
  }
  const digits = raw.length - 2;
  if (digits !== 130) {
    fail(
      `--signature ${raw} has ${digits} hex digits, not 130 (65 bytes: r, s and v): pass the whole signature \`tao wallet sign\` printed`,
    );
  }
  const v = Number.parseInt(raw.slice(130), 16);
  if (![0, 1, 27, 28].includes(v)) {
    fail(
      `--signature ${raw} ends in v = 0x${raw.slice(130)}, not 1b or 1c (27 or 28): it is not a personal_sign signature; pass the one \`tao wallet sign\` printed`,
    );
  }
  return raw as Hex;
}

function renderColdkeypub(w: ColdkeypubWritten): string {
  if (w.unchanged) return `Wallet ${w.wallet} already has coldkeypub.txt for ${w.address}: nothing to do`;
  const rows: [string, string][] = [
    ["wallet", w.wallet],
    ["directory", w.dir],
    ["coldkey", w.address],
    ["coldkeypub file", w.file],
    [
      "encrypted coldkey",
      w.watchOnly
        ? `none (watch-only): import it with \`tao wallet import --wallet-name ${w.wallet}\` to sign`
        : "coldkey.json (same address)",
    ],
  ];
  return [
    w.watchOnly ? `Wrote watch-only wallet ${w.wallet}` : `Wrote coldkeypub.txt of wallet ${w.wallet}`,
    renderFields(rows),
    ...(w.replaced ? [`previous coldkeypub.txt kept as ${w.replaced}`] : []),
    ...(w.replacedColdkey ? [`previous coldkey.json (another key) kept as ${w.replacedColdkey}`] : []),
    ...(w.watchOnly
      ? ["`tao wallet balance`, `tao wallet overview` and `tao stake list` work without the key; signing does not"]
      : []),
  ].join("\n");
}

/** btcli's `regen_coldkeypub`, `wallet sign`, `wallet verify` and a keystore password change. */
function registerKeyCommands(group: Command, app: CliApp): void {
  addWalletOptions(
    group
      .command("regen-coldkeypub")
      .description(
        "write a watch-only wallet: coldkeypub.txt for --address, no key (balance, overview and stake list work; signing needs `tao wallet import`)",
      )
      .requiredOption("--address <address>", "the coldkey's address (EIP-55 checksummed, or all lower case)")
      .option(
        "--overwrite",
        "replace a coldkeypub.txt or coldkey.json of another address (the old files are kept as <file>.replaced-<time>)",
      ),
    { hotkey: false },
  ).action(
    app.action(regenColdkeypubSchema, async (ctx, opts) => {
      const { wallet } = checkedNames(opts, ctx, false);
      const address = parseAddress(opts.address, "--address");
      if (opts.overwrite) await ctx.confirm(`Replace the coldkey files of wallet ${wallet} of another address?`);
      const written = await ctx.wallets().regenColdkeypub({ name: wallet, address, overwrite: opts.overwrite });
      ctx.out.result(written, () => renderColdkeypub(written));
    }),
  );

  addWalletOptions(
    group
      .command("sign")
      .description(
        "sign a message (EIP-191 personal_sign) with the coldkey (asks its password), or the hotkey with --use-hotkey / --hotkey",
      )
      .requiredOption("--message <text>", "the text to sign (as UTF-8)")
      .option("--use-hotkey", "sign with the hotkey (--hotkey, default $TAO_WALLET_HOTKEY or default): no password"),
    { hotkey: true },
  ).action(
    app.action(signSchema, async (ctx, opts) => {
      const useHotkey = opts.useHotkey || opts.walletHotkey !== undefined;
      const { wallet, hotkey } = checkedNames(opts, ctx, useHotkey);
      if (opts.message === "") fail("--message is empty: pass the text to sign");
      const store = ctx.wallets();
      let account;
      if (useHotkey) {
        account = await store.loadHotkey(wallet, hotkey);
      } else {
        await store.requireColdkey(wallet); // a watch-only wallet fails before any password is asked
        account = await ctx.unlockColdkey(wallet);
      }
      const signature = await account.signMessage({ message: opts.message });
      const signer = useHotkey ? `hotkey ${hotkey}` : "coldkey";
      ctx.out.result(
        {
          wallet,
          signer: useHotkey ? "hotkey" : "coldkey",
          hotkey: useHotkey ? hotkey : null,
          address: account.address,
          message: opts.message,
          signature,
        },
        () =>
          [
            `Signed with wallet ${wallet}'s ${signer} (EIP-191 personal_sign)`,
            renderFields([
              ["signer", account.address],
              ["message", opts.message],
            ]),
            `signature: ${signature}`,
            `check it with \`tao wallet verify --message <text> --signature ${signature} --address ${account.address}\``,
          ].join("\n"),
      );
    }),
  );

  group
    .command("verify")
    .description("check an EIP-191 personal_sign signature of --message by --address (exits 1 when invalid)")
    .requiredOption("--message <text>", "the text that was signed")
    .requiredOption("--signature <hex>", "the 0x-prefixed 65-byte signature")
    .requiredOption("--address <address>", "the address that should have signed (EIP-55 checksummed, or lower case)")
    .action(
      app.action(verifySchema, async (ctx, opts) => {
        const expected = parseAddress(opts.address, "--address");
        const signature = parseSignature(opts.signature);
        let recovered: Address;
        try {
          recovered = await recoverMessageAddress({ message: opts.message, signature });
        } catch (e) {
          const reason = (e as { shortMessage?: string }).shortMessage ?? (e instanceof Error ? e.message : String(e));
          fail(
            `--signature ${signature} is not a valid secp256k1 signature (${reason}): pass the one \`tao wallet sign\` printed`,
          );
        }
        if (!isAddressEqual(recovered, expected)) {
          fail(
            `invalid signature: it recovers to ${recovered}, not the expected --address ${expected}: check the ` +
              "address, the signature and that --message is exactly the signed text",
          );
        }
        ctx.out.result(
          { valid: true, address: expected, message: opts.message, signature },
          () => `valid: ${expected} signed this message`,
        );
      }),
    );

  addWalletOptions(
    group
      .command("change-password")
      .description(
        `re-encrypt the coldkey with a new password (current: $${PASSWORD_ENV} or a prompt; new: $${NEW_PASSWORD_ENV} or a prompt, typed twice)`,
      ),
    { hotkey: false },
  ).action(
    app.action(walletOptionsSchema, async (ctx, opts) => {
      const { wallet } = checkedNames(opts, ctx, false);
      const store = ctx.wallets();
      await store.requireColdkey(wallet); // a watch-only wallet fails before any password is asked
      const password = await ctx.password(wallet, "unlock");
      const changed = await store.changePassword({
        name: wallet,
        password,
        // Asked only once the current password has unlocked the key.
        newPassword: async () =>
          checkLength(
            wallet,
            await readPassword({
              wallet,
              purpose: "create",
              interactive: ctx.interactive,
              env: ctx.io.env,
              input: ctx.io.stdin,
              output: ctx.io.stderr,
              variable: NEW_PASSWORD_ENV,
              what: "new password",
            }),
          ),
      });
      warnWeakKdf(ctx);
      ctx.out.result({ ...changed, verified: true }, () =>
        [
          `Changed the password of wallet ${wallet}'s coldkey ${changed.address}`,
          renderFields([
            ["file", `${changed.file} (re-encrypted, mode 0600, opened again with the new password)`],
            ["mnemonic", changed.mnemonic ? "kept (encrypted with the new password)" : "none in the keystore"],
          ]),
          "the old keystore is not kept: it would still open with the old password",
        ].join("\n"),
      );
    }),
  );
}

export default defineCommandGroup({
  name: "wallet",
  summary:
    "create, import and inspect wallets (coldkey + hotkeys, or watch-only); balance, overview, TAO transfers, sign and verify",
  order: 10,
  aliases: ["w", "wallets"],
  register,
});
