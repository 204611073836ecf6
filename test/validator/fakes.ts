/** In-memory fakes of the validator's ports (no tests here). */
import { keccak256, toHex } from "viem";
import type { DendriteResult } from "../../offchain/scoring/index.js";
import { solve } from "../../offchain/tasks/index.js";
import type { Metagraph } from "../../offchain/validator/metagraph.js";
import { fitWeights } from "../../offchain/validator/adapters/weightsCodec.js";
import {
  NotYetError,
  type ChainPort,
  type Hex,
  type OnSent,
  type SettlementPort,
  type SubnetChainState,
  type WeightRules,
  type WeightsCodec,
} from "../../offchain/validator/ports.js";
import type { QueryFn } from "../../offchain/validator/round.js";

export const TEMPO = 360;
export const SELF: Hex = "0x00000000000000000000000000000000000000f0";
export const hk = (uid: number): Hex => `0x${(uid + 1).toString(16).padStart(40, "0")}`;

let counter = 0;
const txHash = (): Hex => `0x${(++counter).toString(16).padStart(64, "0")}`;

/**
 * Max-upscaled u16 weights, 4-byte big-endian (uid, value) packing, keccak of a JSON tuple as the commit hash;
 * `fit` is the real one (adapters/weightsCodec.ts) over this normalisation.
 */
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
    fit(uids: readonly number[], scores: readonly number[], rules: WeightRules) {
      return fitWeights(codec.normalise, uids, scores, rules);
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

/**
 * A subnet with commit-reveal (by default: reveal period 1, rate limit 100 slots, version key 3), checking reveals
 * against commits. Like the contract, a commit is recorded in the epoch of the slot it lands at
 * (`slot + commitLag`). Every tx takes the hotkey's next nonce; a "lost" one holds its nonce unused.
 */
export class FakeChain implements ChainPort {
  slot = 3700;
  minted = 0;
  lastUpdate: number | undefined;
  /** The netuid's life (registry generation); a test bumps it to play a dissolved and re-created subnet. */
  life = 1;
  /** Epochs of slots before the current life (a re-created subnet counts its epochs from 0 again). */
  epochOffset = 0;
  pending: { hash: Hex; epoch: number }[] = [];
  revealed: { epoch: number; uids: number[]; values: number[] }[] = [];
  txs = new Map<Hex, "confirmed" | "reverted">();
  /**
   * Fail the next commit: "before" the tx is out; "after" it landed (the process dies before learning the tx
   * hash); "receipt": the tx is out and its hash handed over, but it stays in the mempool (pending, not landed)
   * until `mineHeld()`, and the receipt wait times out.
   */
  crashNextCommit: "before" | "after" | "receipt" | "lost" | undefined;
  /** The next reveal is broadcast (its hash handed over) but its receipt wait times out; it lands at once. */
  revealReceiptTimeout = false;
  commitReveal = true;
  revealPeriod = 1;
  rateLimit = 100;
  versionKey = 3n;
  /** The confirmed read of lastUpdate does not show our own updates (confirmation depth). */
  updateLag = false;
  /** Weight vectors set directly (commit-reveal off). */
  set: { uids: number[]; values: number[] }[] = [];
  /**
   * Nonces: `nonce` is the next one a tx gets, `confirmedNonce` how many are used on chain. A "lost" commit tx
   * (`crashNextCommit = "lost"`: signed, its hash handed over, then unknown to the node) keeps its nonce open
   * until `landLost()` mines it or the next tx takes the nonce (and the lost one can never land).
   */
  nonce = 0;
  lost: { tx: Hex; hash: Hex; nonce: number } | undefined;
  /** The next commit that takes the lost tx's nonce loses to it: the lost one is mined, the new one dropped. */
  lostWins = false;
  /** The next setWeights lands but its receipt wait times out. */
  setReceiptTimeout = false;
  /** Slots between sending a commit and the block it lands in. */
  commitLag = 0;
  held: { tx: Hex; hash: Hex } | undefined;
  /** Netuids that do not exist: their reads revert SubnetNotFound. */
  missing = new Set<number>();
  rules: WeightRules = { neuronCount: 4, minAllowedWeights: 1, maxWeightLimit: 65535, selfUid: 0 };
  /** The confirmed read of lastMintedSlot does not show our coinbase yet. */
  mintLag = false;
  failCoinbase = false;
  calls: string[] = [];

  constructor(
    private readonly codec: WeightsCodec,
    readonly metagraphValue: Metagraph,
  ) {}

  epoch(): number {
    return Math.floor(this.slot / TEMPO) - this.epochOffset;
  }
  private exists(netuid: number) {
    if (this.missing.has(netuid)) throw new Error(`execution reverted: SubnetNotFound(${netuid})`);
  }
  async currentSlot() {
    return this.slot;
  }
  async lastMintedSlot() {
    return this.minted;
  }
  async metagraph(netuid: number) {
    this.exists(netuid);
    return { ...this.metagraphValue, netuid };
  }
  async subnetLife(netuid: number) {
    this.exists(netuid);
    return this.life;
  }
  async subnetExists(netuid: number) {
    return !this.missing.has(netuid);
  }
  async subnetState(netuid: number, _hotkey: Hex, slot: number): Promise<SubnetChainState> {
    this.exists(netuid);
    const e = Math.floor(slot / TEMPO) - this.epochOffset;
    return {
      life: this.life,
      epoch: { epoch: e, start: (e + this.epochOffset) * TEMPO, close: (e + this.epochOffset + 1) * TEMPO },
      commitReveal: this.commitReveal,
      revealPeriod: this.revealPeriod,
      rateLimit: this.rateLimit,
      versionKey: this.versionKey,
      ...(this.lastUpdate !== undefined && !this.updateLag ? { lastUpdate: this.lastUpdate } : {}),
      permit: { has: true, stake: 10n ** 12n, needed: 1n },
      firstEpoch: 10,
      rules: this.rules,
    };
  }
  private expire() {
    this.pending = this.pending.filter((p) => p.epoch + this.revealPeriod >= this.epoch());
  }
  /** The nonce of a new tx: a lost tx's open nonce is taken (and the lost tx can never land). */
  private takeNonce(): number {
    if (this.lost) {
      const n = this.lost.nonce;
      this.lost = undefined;
      this.nonce = n + 1;
      this.confirmedNonce = this.nonce;
      return n;
    }
    const n = this.nonce++;
    this.confirmedNonce = this.nonce;
    return n;
  }
  confirmedNonce = 0;
  /** The lost commit tx is mined after all (in the epoch of the current slot + commitLag). */
  landLost() {
    const l = this.lost;
    if (!l) throw new Error("no commit lost");
    this.land(l.hash);
    this.txs.set(l.tx, "confirmed");
    this.confirmedNonce = Math.max(this.confirmedNonce, l.nonce + 1);
    this.lost = undefined;
  }
  async nonceUsed(nonce: number) {
    return nonce < this.confirmedNonce;
  }
  private rateLimited() {
    if (this.lastUpdate !== undefined && this.slot < this.lastUpdate + this.rateLimit)
      throw new Error(`RateLimited(${this.lastUpdate + this.rateLimit})`);
  }
  private land(hash: Hex) {
    const at = this.slot + this.commitLag;
    this.expire();
    if (!this.pending.some((p) => p.hash === hash)) this.pending.push({ hash, epoch: Math.floor(at / TEMPO) });
    this.lastUpdate = at;
  }
  /** The held commit lands (in the epoch of the current slot + commitLag). */
  mineHeld() {
    const h = this.held;
    if (!h) throw new Error("no commit held");
    this.land(h.hash);
    this.txs.set(h.tx, "confirmed");
    this.held = undefined;
  }
  async commitWeights(_netuid: number, hash: Hex, onSent?: OnSent): Promise<Hex> {
    this.calls.push(`commit ${hash}`);
    const crash = this.crashNextCommit;
    this.crashNextCommit = undefined;
    if (crash === "before") throw new Error("simulated crash before the commit tx was sent");
    if (!this.commitReveal) throw new Error("CommitRevealDisabled(1)");
    if (this.held) throw new Error(`nonce clash: a commit (${this.held.tx}) is still in the mempool`);
    this.rateLimited();
    const tx = txHash();
    if (crash === "lost") {
      onSent?.(tx, this.nonce);
      this.lost = { tx, hash, nonce: this.nonce++ };
      throw new Error(`commitWeights(1) signed as ${tx} but not broadcast: connection reset`);
    }
    if (this.lost && this.lostWins) {
      // Our node gave this tx the lost one's nonce, but the lost one is mined first: this one is dropped.
      onSent?.(tx, this.lost.nonce);
      this.landLost();
      throw new Error(`commitWeights(1) sent in ${tx} but no receipt within 60000 ms`);
    }
    const nonce = this.takeNonce();
    if (crash === "receipt") {
      onSent?.(tx, nonce);
      this.held = { tx, hash };
      throw new Error(`commitWeights(1) sent in ${tx} but no receipt within 60000 ms`);
    }
    this.land(hash);
    if (crash === "after") throw new Error("simulated crash after the commit tx was sent");
    onSent?.(tx, nonce);
    this.txs.set(tx, "confirmed");
    return tx;
  }
  async revealWeights(
    netuid: number,
    r: { uids: number[]; values: number[]; salt: Hex; versionKey: bigint },
    onSent?: OnSent,
  ): Promise<Hex> {
    this.calls.push("reveal");
    if (!this.commitReveal) throw new Error("CommitRevealDisabled(1)");
    if (r.versionKey < this.versionKey) throw new Error(`VersionKeyTooLow(${r.versionKey}, ${this.versionKey})`);
    this.expire();
    const hash = this.codec.commitHash({ hotkey: SELF, netuid, ...r });
    const i = this.pending.findIndex((p) => p.hash === hash);
    if (i < 0) throw new Error(`CommitNotFound(${hash})`);
    const c = this.pending[i] as { hash: Hex; epoch: number };
    const revealEpoch = c.epoch + this.revealPeriod;
    if (revealEpoch !== this.epoch()) throw new Error(`RevealTooEarly(${revealEpoch}, ${this.epoch()})`);
    // Weights._checkVector's entry count and max weight limit (contract arithmetic, written out again here).
    const required = Math.min(this.rules.minAllowedWeights, this.rules.neuronCount);
    if (r.uids.length < required) throw new Error(`TooFewEntries(${r.uids.length}, ${required})`);
    const sum = r.values.reduce((a, v) => a + BigInt(v), 0n);
    if (this.rules.maxWeightLimit !== 65535 && sum > 0n) {
      const share = (65535n << 32n) / sum;
      const limit = (BigInt(this.rules.maxWeightLimit) << 32n) / 65535n;
      if (share > limit) throw new Error(`MaxWeightExceeded(${share}, ${limit})`);
    }
    this.pending.splice(i, 1);
    this.revealed.push({ epoch: c.epoch, uids: r.uids, values: r.values });
    const tx = txHash();
    onSent?.(tx, this.takeNonce());
    this.txs.set(tx, "confirmed");
    if (this.revealReceiptTimeout) {
      this.revealReceiptTimeout = false;
      throw new Error(`revealWeights(1) sent in ${tx} but no receipt within 60000 ms`);
    }
    return tx;
  }
  async setWeights(
    _netuid: number,
    w: { uids: number[]; values: number[]; versionKey: bigint },
    onSent?: OnSent,
  ): Promise<Hex> {
    this.calls.push("setWeights");
    if (this.commitReveal) throw new Error("CommitRevealEnabled(1)");
    if (w.versionKey < this.versionKey) throw new Error(`VersionKeyTooLow(${w.versionKey}, ${this.versionKey})`);
    this.rateLimited();
    this.takeNonce();
    this.set.push({ uids: w.uids, values: w.values });
    this.lastUpdate = this.slot;
    const tx = txHash();
    onSent?.(tx, this.nonce - 1);
    this.txs.set(tx, "confirmed");
    if (this.setReceiptTimeout) {
      this.setReceiptTimeout = false;
      throw new Error(`setWeights(1) sent in ${tx} but no receipt within 60000 ms`);
    }
    return tx;
  }
  async pendingCommitEpochs(_netuid: number, _hotkey: Hex, hash: Hex) {
    this.expire();
    return this.pending.filter((p) => p.hash === hash).map((p) => p.epoch);
  }
  async txStatus(tx: Hex) {
    if (this.held?.tx === tx) return "pending" as const;
    return this.txs.get(tx) ?? "unknown";
  }
  async coinbase(): Promise<Hex> {
    this.calls.push("coinbase");
    if (this.failCoinbase) throw new Error("coinbase reverted");
    this.takeNonce();
    if (!this.mintLag) this.minted = this.slot;
    return txHash();
  }
}

export class FakeSettlement implements SettlementPort {
  submitted = new Map<number, Hex>();
  final = new Set<number>();
  claimed: number[] = [];
  /** The next `notYet` computes throw NotYetError (the confirmed head has not passed the close). */
  notYet = 0;
  async compute(_netuid: number, epoch: number) {
    if (this.notYet > 0) {
      this.notYet--;
      throw new NotYetError(
        `epoch 1/${epoch} closes at slot ${(epoch + 1) * TEMPO}: not closed yet at the confirmed head`,
      );
    }
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
  /** Epochs whose results were deleted (`forget`); `failForget` makes it throw. */
  forgotten: number[] = [];
  failForget = false;
  async forget(_netuid: number, epochs: readonly number[]) {
    if (this.failForget) throw new Error("EACCES: permission denied");
    this.forgotten.push(...epochs);
    return epochs.length;
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
