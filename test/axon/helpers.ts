/** Shared fixtures for axon tests: keys, a static metagraph, a spy backend, signed raw requests. */
import { request as httpRequest, type IncomingMessage } from "node:http";
import type { Address, Hex } from "viem";
import { generatePrivateKey } from "viem/accounts";
import {
  createAxon,
  type Axon,
  type Backend,
  type BackendContext,
  type NonceStore,
} from "../../offchain/axon/index.js";
import type { AxonConfigInput } from "../../offchain/axon/config.js";
import { StaticMetagraph } from "../../offchain/metagraph/cache.js";
import type { MetagraphView, NeuronInfo } from "../../offchain/metagraph/types.js";
import {
  FORWARD_PATH,
  H,
  NonceSource,
  bodyHash,
  responseMessage,
  createHotkeySigner,
  signRequest,
  type HotkeySigner,
  type Task,
} from "../../offchain/protocol/index.js";

export const CHAIN_ID = 31337;
export const NETUID = 7;

export interface Key {
  pk: Hex;
  signer: HotkeySigner;
  address: Address;
}

export function newKey(): Key {
  const pk = generatePrivateKey();
  const signer = createHotkeySigner(pk);
  return { pk, signer, address: signer.address };
}

/** The body hash and `miner`'s signature a real axon sends with `bytes`, its answer to `req` from `validator`. */
export async function signAnswer(
  miner: Key,
  validator: Address,
  req: IncomingMessage,
  bytes: Buffer,
): Promise<{ hash: Hex; sig: Hex }> {
  const hash = bodyHash(bytes);
  const sig = await miner.signer.signMessage({
    message: responseMessage({
      chainId: CHAIN_ID,
      netuid: NETUID,
      miner: miner.address,
      validator,
      requestId: String(req.headers[H.requestId]),
      bodyHash: hash,
    }),
  });
  return { hash, sig };
}

export function neuron(uid: number, key: Key, over: Partial<NeuronInfo> = {}): NeuronInfo {
  return { uid, hotkey: key.address, coldkey: key.address, stake: 1_000n * 10n ** 9n, validatorPermit: true, ...over };
}

/** A backend that records every call; `impl` decides the answer. */
export class SpyBackend implements Backend {
  calls: Array<{ task: Task; ctx: BackendContext }> = [];
  constructor(
    public impl: (task: Task, ctx: BackendContext) => AsyncIterable<string> | Promise<string> = async (t) =>
      `echo:${t.kind === "text" ? t.prompt : ""}`,
  ) {}
  answer(task: Task, ctx: BackendContext): AsyncIterable<string> | Promise<string> {
    this.calls.push({ task, ctx });
    return this.impl(task, ctx);
  }
}

export interface Fixture {
  axon: Axon;
  url: string;
  miner: Key;
  validator: Key;
  backend: SpyBackend;
  metagraph: StaticMetagraph;
  /**
   * The validator's nonces, from a clock running `clockSkewMs` ahead (the most the axon allows): accepted at once,
   * although the axon refuses nonces dated before its start plus that skew (no replay across a restart).
   */
  nonces: NonceSource;
  /** Resolves once the axon accepts nonces from an accurate clock (a Dendrite's): `clockSkewMs` after its start. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export interface FixtureKeys {
  miner?: Key;
  validator?: Key;
  metagraph?: MetagraphView;
  /** Durable replay state (the miner's store); without it the axon refuses nonces for a clock skew after start. */
  nonceStore?: NonceStore;
}

export async function startAxon(
  config: Partial<AxonConfigInput> = {},
  backend = new SpyBackend(),
  keys: FixtureKeys = {},
): Promise<Fixture> {
  const miner = keys.miner ?? newKey();
  const validator = keys.validator ?? newKey();
  const metagraph = new StaticMetagraph([
    neuron(0, miner, { validatorPermit: false, stake: 0n }),
    neuron(1, validator),
  ]);
  const axon = await createAxon(
    { chainId: CHAIN_ID, netuid: NETUID, ...config },
    {
      signer: miner.signer,
      metagraph: keys.metagraph ?? metagraph,
      backend,
      ...(keys.nonceStore ? { nonceStore: keys.nonceStore } : {}),
    },
  );
  const url = await axon.listen({ port: 0, host: "127.0.0.1" });
  const skew = axon.config.clockSkewMs;
  return {
    axon,
    url,
    miner,
    validator,
    backend,
    metagraph,
    nonces: new NonceSource(() => Date.now() + skew),
    ready: () => sleep(Math.max(0, axon.noncesFromMs - Date.now() + 1)),
    close: () => axon.close(),
  };
}

export interface SignOptions {
  signer?: HotkeySigner;
  miner?: Address;
  nonce?: number;
  requestId?: string;
  timeoutMs?: number;
  chainId?: number;
  netuid?: number;
  body?: Uint8Array;
}

/** Signed headers + body for a task, with overridable fields. */
export async function signed(
  fx: Fixture,
  task: unknown,
  o: SignOptions = {},
): Promise<{ headers: Record<string, string>; body: Buffer }> {
  const body = Buffer.from(o.body ?? Buffer.from(JSON.stringify(task)));
  const s = await signRequest(o.signer ?? fx.validator.signer, {
    chainId: o.chainId ?? CHAIN_ID,
    netuid: o.netuid ?? NETUID,
    miner: o.miner ?? fx.miner.address,
    nonce: o.nonce ?? fx.nonces.next(),
    requestId: o.requestId ?? `r${Math.random().toString(36).slice(2, 10)}`,
    timeoutMs: o.timeoutMs ?? 5_000,
    body,
  });
  return { headers: { ...s.headers, "content-type": "application/json" }, body };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): { error?: string; reason?: string; text?: string } & Record<string, unknown>;
}

/** A raw HTTP request (no client-side validation), resolving with status, headers and body text. */
export function raw(
  url: string,
  opts: { method?: string; path?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const u = new URL(opts.path ?? FORWARD_PATH, url);
    const req = httpRequest(u, { method: opts.method ?? "POST", headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

export async function send(fx: Fixture, task: unknown, o: SignOptions = {}): Promise<RawResponse> {
  const { headers, body } = await signed(fx, task, o);
  return raw(fx.url, { headers, body });
}

export const TEXT: Task = { kind: "text", prompt: "What is 12 + 7?" };

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls until `cond()` holds (or throws after `ms`). */
export async function until(cond: () => boolean, ms = 5_000, what = "condition"): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
