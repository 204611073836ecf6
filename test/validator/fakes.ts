/** In-memory fakes of the validator's ports (no tests here). */
import { keccak256, toHex } from "viem";
import type { DendriteResult } from "../../offchain/scoring/index.js";
import { solve } from "../../offchain/tasks/index.js";
import type { Metagraph } from "../../offchain/validator/metagraph.js";
import type { ChainPort, Hex, SettlementPort, SubnetChainState, WeightsCodec } from "../../offchain/validator/ports.js";
import type { QueryFn } from "../../offchain/validator/round.js";

export const TEMPO = 360;
export const SELF: Hex = "0x00000000000000000000000000000000000000f0";
export const hk = (uid: number): Hex => `0x${(uid + 1).toString(16).padStart(40, "0")}`;

let counter = 0;
const txHash = (): Hex => `0x${(++counter).toString(16).padStart(64, "0")}`;

/** Max-upscaled u16 weights, 4-byte big-endian (uid, value) packing, keccak of a JSON tuple as the commit hash. */
export function fakeCodec(): WeightsCodec & { salts: number } {
  const codec = {
    salts: 0,
    normalise(uids: readonly number[], scores: readonly number[]) {
      const max = Math.max(0, ...scores);
      const out = { uids: [] as number[], values: [] as number[] };
      uids.forEach((u, i) => {
        const v = max > 0 ? Math.round(((scores[i] as number) / max) * 65535) : 0;
        if (v > 0) {
          out.uids.push(u);
          out.values.push(v);
        }
      });
      return out;
    },
    pack(uids: readonly number[], values: readonly number[]) {
      const b = new Uint8Array(uids.length * 4);
      uids.forEach((u, i) => {
        b.set([u >> 8, u & 255, (values[i] as number) >> 8, (values[i] as number) & 255], i * 4);
      });
      return b;
    },
    unpack(p: Uint8Array) {
      const out = { uids: [] as number[], values: [] as number[] };
      for (let i = 0; i < p.length; i += 4) {
        out.uids.push(((p[i] as number) << 8) | (p[i + 1] as number));
        out.values.push(((p[i + 2] as number) << 8) | (p[i + 3] as number));
      }
      return out;
    },
    commitHash(c: Parameters<WeightsCodec["commitHash"]>[0]): Hex {
      return keccak256(
        toHex(JSON.stringify([c.hotkey.toLowerCase(), c.netuid, c.uids, c.values, c.salt, c.versionKey.toString()])),
      );
    },
    randomSalt(): Hex {
      codec.salts++;
      return `0x${(0x5a17 + codec.salts).toString(16).padStart(64, "0")}`;
    },
  };
  return codec;
}

/** A subnet with commit-reveal (reveal period 1, rate limit 100 slots), checking reveals against commits. */
export class FakeChain implements ChainPort {
  slot = 3700;
  minted = 0;
  lastUpdate: number | undefined;
  pending: { hash: Hex; epoch: number }[] = [];
  revealed: { epoch: number; uids: number[]; values: number[] }[] = [];
  txs = new Map<Hex, "confirmed" | "reverted">();
  /** Fail the next commit: "before" the tx is out, or "after" it landed (the process dies in between). */
  crashNextCommit: "before" | "after" | undefined;
  failCoinbase = false;
  calls: string[] = [];

  constructor(
    private readonly codec: WeightsCodec,
    readonly metagraphValue: Metagraph,
  ) {}

  epoch(): number {
    return Math.floor(this.slot / TEMPO);
  }
  async currentSlot() {
    return this.slot;
  }
  async lastMintedSlot() {
    return this.minted;
  }
  async metagraph() {
    return this.metagraphValue;
  }
  async subnetState(_netuid: number, _hotkey: Hex, slot: number): Promise<SubnetChainState> {
    const e = Math.floor(slot / TEMPO);
    return {
      epoch: { epoch: e, start: e * TEMPO, close: (e + 1) * TEMPO },
      commitReveal: true,
      revealPeriod: 1,
      rateLimit: 100,
      versionKey: 3n,
      ...(this.lastUpdate !== undefined ? { lastUpdate: this.lastUpdate } : {}),
      permit: { has: true, stake: 10n ** 12n, needed: 1n },
      firstEpoch: 10,
    };
  }
  private expire() {
    this.pending = this.pending.filter((p) => p.epoch + 1 >= this.epoch());
  }
  async commitWeights(_netuid: number, hash: Hex): Promise<Hex> {
    this.calls.push(`commit ${hash}`);
    const crash = this.crashNextCommit;
    this.crashNextCommit = undefined;
    if (crash === "before") throw new Error("simulated crash before the commit tx was sent");
    if (this.lastUpdate !== undefined && this.slot < this.lastUpdate + 100)
      throw new Error(`RateLimited(${this.lastUpdate + 100})`);
    this.expire();
    if (!this.pending.some((p) => p.hash === hash)) this.pending.push({ hash, epoch: this.epoch() });
    this.lastUpdate = this.slot;
    if (crash === "after") throw new Error("simulated crash after the commit tx was sent");
    const tx = txHash();
    this.txs.set(tx, "confirmed");
    return tx;
  }
  async revealWeights(
    netuid: number,
    r: { uids: number[]; values: number[]; salt: Hex; versionKey: bigint },
  ): Promise<Hex> {
    this.calls.push("reveal");
    this.expire();
    const hash = this.codec.commitHash({ hotkey: SELF, netuid, ...r });
    const i = this.pending.findIndex((p) => p.hash === hash);
    if (i < 0) throw new Error(`NoSuchCommit(${hash})`);
    const c = this.pending[i] as { hash: Hex; epoch: number };
    if (c.epoch + 1 !== this.epoch()) throw new Error(`RevealOutsideWindow(${c.epoch}, ${this.epoch()})`);
    this.pending.splice(i, 1);
    this.revealed.push({ epoch: c.epoch, uids: r.uids, values: r.values });
    const tx = txHash();
    this.txs.set(tx, "confirmed");
    return tx;
  }
  async setWeights(): Promise<Hex> {
    throw new Error("commit-reveal is on");
  }
  async hasPendingCommit(_netuid: number, _hotkey: Hex, hash: Hex) {
    this.expire();
    return this.pending.some((p) => p.hash === hash);
  }
  async txStatus(tx: Hex) {
    return this.txs.get(tx) ?? "unknown";
  }
  async coinbase(): Promise<Hex> {
    if (this.failCoinbase) throw new Error("coinbase reverted");
    this.minted = this.slot;
    return txHash();
  }
}

export class FakeSettlement implements SettlementPort {
  submitted = new Map<number, Hex>();
  final = new Set<number>();
  claimed: number[] = [];
  async compute(_netuid: number, epoch: number) {
    return { root: keccak256(toHex(`root-${epoch}`)), bonds: new Uint8Array([epoch & 255]) };
  }
  async submit(_netuid: number, epoch: number, root: Hex) {
    this.submitted.set(epoch, root);
    return txHash();
  }
  async status(_netuid: number, epoch: number) {
    return this.final.has(epoch) ? ("finalised" as const) : ("pending" as const);
  }
  async claim(_netuid: number, epoch: number) {
    this.claimed.push(epoch);
    return txHash();
  }
}

export function subnet(): Metagraph {
  return {
    netuid: 1,
    slot: 0,
    neurons: [
      { uid: 0, hotkey: SELF, axon: null },
      ...[1, 2, 3].map((uid) => ({ uid, hotkey: hk(uid), axon: { url: `http://miner-${uid}` } })),
    ],
  };
}

/** uid 1 answers right, uid 2 right but slowly, uid 3 wrong. */
export const minerQuery: QueryFn = async (axon, task): Promise<DendriteResult> => {
  const uid = Number(axon.url.split("-")[1]);
  if (uid === 3) return { ok: true, text: "I do not know.", latencyMs: 5 };
  return { ok: true, text: `Answer: ${solve(task.prompt)}`, latencyMs: uid === 1 ? 5 : 900 };
};
