import type { Command } from "commander";
import { z } from "zod";
import { subnetRegistryAbi } from "../../abi/index.js";
import {
  addSignerOptions,
  connectProtocol,
  loadHotkey,
  parseNetuid,
  parseUint,
  requireGas,
  signerNames,
  requireSubnet,
  send,
  signerOptionsSchema,
} from "../chain-context.js";
import { defineCommandGroup, type CliApp } from "../command-group.js";
import { fail } from "../errors.js";

const serveSchema = signerOptionsSchema.extend({
  netuid: z.string(),
  endpoint: z.string(),
  protocol: z.string().default("0"),
  axonVersion: z.string().default("0"),
});

/** `http(s)://host:port` with an explicit port and nothing after it, as the registry accepts. */
export function checkEndpoint(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    fail(`--endpoint ${JSON.stringify(raw)} is not a URL: pass http://host:port`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    fail(`--endpoint ${raw} must start with http:// or https://`);
  const bare = `${url.protocol}//${url.host}`;
  if (!url.port && !/:\d+$/.test(url.host)) fail(`--endpoint ${raw} has no port: pass http://host:port`);
  if (raw.replace(/\/$/, "") !== bare) fail(`--endpoint ${raw} has a path or query: pass only http://host:port`);
  return bare;
}

function register(group: Command, app: CliApp): void {
  addSignerOptions(
    group
      .command("serve")
      .description("publish where the hotkey's miner serves (signed by the hotkey, which pays gas)")
      .requiredOption("--netuid <n>", "subnet id")
      .requiredOption("--endpoint <url>", "http://host:port")
      .option("--protocol <n>", "axon protocol id (u8)", "0")
      // Not `--version`: that is the program's (it would print the package version and exit 0 unserved).
      .option("--axon-version <n>", "axon version (u32)", "0"),
    { hotkey: true },
  ).action(
    app.action(serveSchema, async (ctx, opts) => {
      const netuid = parseNetuid(opts.netuid, "--netuid");
      const endpoint = checkEndpoint(opts.endpoint);
      const protocol = Number(parseUint(opts.protocol, "--protocol", 255n));
      const version = Number(parseUint(opts.axonVersion, "--axon-version", 0xffffffffn));
      const hotkey = await loadHotkey(ctx, opts);
      const p = await connectProtocol(ctx);
      await requireSubnet(p, netuid);
      const [registered, uid] = await p.client.readContract({
        address: p.registry,
        abi: subnetRegistryAbi,
        functionName: "uidOf",
        args: [netuid, hotkey.address],
      });
      if (!registered) {
        fail(
          `hotkey ${hotkey.address} is not registered on subnet ${netuid}: run \`tao neuron register --netuid ${netuid}\` first`,
        );
      }
      await requireGas(p, hotkey.address, "hotkey", signerNames(opts, ctx.io.env));
      const sent = await send(ctx, p, hotkey, "serveAxon", {
        address: p.registry,
        abi: subnetRegistryAbi,
        functionName: "serveAxon",
        args: [netuid, endpoint, protocol, version],
      });
      ctx.out.result(
        { netuid, uid, hotkey: hotkey.address, endpoint, protocol, version, tx: sent.hash },
        () => `Uid ${uid} on subnet ${netuid} serves at ${endpoint} (${sent.hash})`,
      );
    }),
  );
}

export default defineCommandGroup({
  name: "axon",
  summary: "publish a miner's endpoint",
  order: 45,
  register,
});
