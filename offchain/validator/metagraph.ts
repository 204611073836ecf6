/**
 * The validator's view of a subnet's neurons. The chain adapter (registry views + axon records) fills it; the
 * round samples from it and the weights are built against it.
 */
export interface Axon {
  /** Where the miner's axon listens (http(s)://host:port). */
  url: string;
  protocol?: number;
  version?: number;
}

export interface Neuron {
  uid: number;
  /** EVM address of the hotkey (any case). */
  hotkey: string;
  /** The served axon, or null when the miner has not served one. */
  axon: Axon | null;
  /** Stake weight (rao) as of the metagraph's slot, when known. */
  stake?: bigint;
  validatorPermit?: boolean;
}

export interface Metagraph {
  netuid: number;
  /** Slot the metagraph was read at. */
  slot: number;
  neurons: Neuron[];
}

/** Checks a metagraph's shape: uids unique and in 0..65535, hotkeys non-empty. */
export function assertMetagraph(m: Metagraph): void {
  const seen = new Set<number>();
  for (const n of m.neurons) {
    if (!Number.isInteger(n.uid) || n.uid < 0 || n.uid > 65535)
      throw new RangeError(`metagraph ${m.netuid}: bad uid ${n.uid}`);
    if (seen.has(n.uid)) throw new RangeError(`metagraph ${m.netuid}: uid ${n.uid} appears twice`);
    if (typeof n.hotkey !== "string" || n.hotkey === "")
      throw new RangeError(`metagraph ${m.netuid}: uid ${n.uid} has no hotkey`);
    seen.add(n.uid);
  }
}
