import type { Logger } from "pino";
import {
  type Address,
  BaseError,
  ContractFunctionZeroDataError,
  type Hex,
  type PublicClient,
  getAddress,
  isAddressEqual,
  keccak256,
  zeroAddress,
  zeroHash,
} from "viem";
import { z } from "zod";
import { subnetRegistryViewAbi } from "../abi/index.js";
import { DEFAULT_LOG_PAGE_BLOCKS, scanLogsBackward } from "../chain/logPages.js";
import { lastBlockAtOrBeforeSlot, slotOf } from "../epoch/blockAtSlot.js";
import { registryViewAbi, weightsAbi } from "./abi.js";
import { WeightsInputError } from "./errors.js";
import { unpackWeights } from "./pack.js";
import type { WeightEntry } from "./types.js";

/** One validator's row of the weight matrix, from its `WeightsSet` event. */
export interface WeightRow {
  readonly uid: number;
  readonly hotkey: Address;
  /** Slot at which the row was set (revealed, or set directly). */
  readonly slot: bigint;
  readonly weightsHash: Hex;
  readonly entries: readonly WeightEntry[];
  readonly blockNumber: bigint;
}

/** Why a row was left out of the matrix. */
export type DropReason =
  | "no-stored-weights" // weightsHashOf is empty now: the row is from an earlier life of the netuid
  | "not-occupant" // the uid is now held by another hotkey (or none)
  | "set-before-registration"; // the row predates the occupant's current registration

export interface DroppedRow {
  readonly uid: number;
  readonly hotkey: Address;
  readonly slot: bigint;
  readonly reason: DropReason;
  readonly detail: string;
}

export interface WeightMatrix {
  readonly netuid: number;
  /** Rows set at or before this slot (undefined: every row up to `blockNumber`). */
  readonly asOfSlot: bigint | undefined;
  /** Block whose state and logs were read. */
  readonly blockNumber: bigint;
  /** One row per uid, ascending by uid. */
  readonly rows: readonly WeightRow[];
  readonly dropped: readonly DroppedRow[];
}

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address")
  .transform((a) => getAddress(a));

const paramsSchema = z.object({
  /** The Weights contract. */
  weights: address,
  netuid: z.number().int().min(0).max(0xffff),
  /** Keep only rows set at or before this slot (e.g. an epoch's closing slot). */
  asOfSlot: z.bigint().nonnegative().optional(),
  /** Read logs up to and state at this block (default: latest). For an epoch, the block of its closing slot. */
  blockNumber: z.bigint().nonnegative().optional(),
  /** First block to read logs from: at or before the Weights deployment, or rows are missed (default 0). */
  fromBlock: z.bigint().nonnegative().default(0n),
  /** Drop rows whose uid changed hands since they were set (default true). */
  checkRegistry: z.boolean().default(true),
  /** Blocks per `getContractEvents` request (providers cap log ranges; default 10,000). */
  logPageBlocks: z.bigint().positive().default(DEFAULT_LOG_PAGE_BLOCKS),
  /**
   * The last block of `asOfSlot`, when the caller finds it anyway (the epoch input's block before the close):
   * called only if a row needs it. Default: a search of its own.
   */
  asOfBlock: z
    .custom<() => Promise<bigint | undefined>>((v) => typeof v === "function", "expected a function")
    .optional(),
});

export type RebuildParams = z.input<typeof paramsSchema>;

interface LoggedRow {
  uid: number;
  hotkey: Address;
  slot: bigint;
  weightsHash: Hex;
  packedWeights: Hex;
  blockNumber: bigint;
}

/**
 * Rebuilds `netuid`'s weight matrix from `WeightsSet` events: per hotkey, its latest row set at or before
 * `asOfSlot`. Logs the contract cannot have emitted throw a `WeightsInputError` (a node serving incomplete or
 * corrupt logs must not make this validator's input differ from its peers'):
 * - each row's bytes must hash to the event's `weightsHash` and unpack as a valid vector;
 * - the hotkey's latest event up to `blockNumber` must carry the hash `weightsHashOf(netuid, hotkey)` holds at
 *   `blockNumber` (so no later row is missing from the logs); an empty stored hash (the row is from an earlier
 *   life of the netuid) drops the row instead;
 * - with `checkRegistry`, every uid's hotkey at `blockNumber` with a non-empty `weightsHashOf` must have a logged
 *   row (a node whose log index lags must not make a validator's weights vanish), and where its latest row is
 *   newer than `asOfSlot`, the row used must be the one `weightsOf` held at the end of `asOfSlot`.
 * Logs are read backwards in pages of `logPageBlocks` blocks (providers cap log ranges), newest first, and the
 * scan stops once every row the matrix can hold is found (with `checkRegistry`; without it every log is read).
 * With `checkRegistry`, a row is dropped (with a reason) unless at `blockNumber` the uid is still held by that
 * hotkey, registered no later than the row's slot (a new occupant never inherits old weights).
 */
export async function rebuildWeightMatrix(
  client: PublicClient,
  params: RebuildParams,
  logger?: Logger,
): Promise<WeightMatrix> {
  const parsed = paramsSchema.safeParse(params);
  if (!parsed.success) {
    throw new WeightsInputError(
      `rebuildWeightMatrix: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  const p = parsed.data;
  const blockNumber = p.blockNumber ?? (await client.getBlockNumber({ cacheTime: 0 }));

  const registry = p.checkRegistry
    ? await client.readContract({ address: p.weights, abi: weightsAbi, functionName: "registry", blockNumber })
    : undefined;

  // One weightsHashOf, hotkeyAt and registrationSlot read per hotkey / uid, shared by the scan and checks below.
  const storedHashOf = once((hotkey: Address) =>
    client.readContract({
      address: p.weights,
      abi: weightsAbi,
      functionName: "weightsHashOf",
      args: [p.netuid, hotkey],
      blockNumber,
    }),
  );
  const occupantOf = once((uid: number) =>
    client
      .readContract({
        address: registry!,
        abi: registryViewAbi,
        functionName: "hotkeyAt",
        args: [p.netuid, uid],
        blockNumber,
      })
      .then((hotkey) => getAddress(hotkey)),
  );
  const registrationSlotOf = once((uid: number) =>
    client.readContract({
      address: registry!,
      abi: registryViewAbi,
      functionName: "registrationSlot",
      args: [p.netuid, uid],
      blockNumber,
    }),
  );

  // The rows the matrix can hold: one per uid whose occupant has stored weights (any other hotkey's row is
  // dropped below). The scan reads the logs backwards from `blockNumber` and stops once each such occupant's
  // latest event and its latest event as of `asOfSlot` are found, or the blocks left are all from before the
  // occupant's registration (a row set then is dropped anyway): the same matrix as reading every log since
  // `fromBlock`, at a cost that follows how far back the rows are, not the chain's age. Without the registry
  // check every hotkey's row counts, and every log is read.
  const wanted = new Map<Address, { uid: number; registeredAt: bigint }>();
  if (registry !== undefined) {
    const count = await client.readContract({
      address: registry,
      abi: subnetRegistryViewAbi,
      functionName: "neuronCount",
      args: [p.netuid],
      blockNumber,
    });
    await Promise.all(
      Array.from({ length: count }, async (_, uid) => {
        const hotkey = await occupantOf(uid);
        if (hotkey === zeroAddress || (await storedHashOf(hotkey)) === zeroHash) return;
        wanted.set(hotkey, { uid, registeredAt: await registrationSlotOf(uid) });
      }),
    );
  }
  let genesisTime: Promise<bigint> | undefined;
  const genesis = () =>
    (genesisTime ??= client.readContract({ address: p.weights, abi: weightsAbi, functionName: "genesisTime" }));
  const slotOfBlock = async (n: bigint): Promise<bigint> => {
    const [block, g] = await Promise.all([client.getBlock({ blockNumber: n }), genesis()]);
    return slotOf(block.timestamp, g);
  };

  const latest = new Map<Address, LoggedRow>();
  const latestAsOf = new Map<Address, LoggedRow>();
  const open = new Set(wanted.keys());
  const lowestRead = await scanLogsBackward(
    p.fromBlock,
    blockNumber,
    p.logPageBlocks,
    (range) =>
      client.getContractEvents({
        address: p.weights,
        abi: weightsAbi,
        eventName: "WeightsSet",
        args: { netuid: p.netuid },
        ...range,
        strict: true,
      }),
    async (newestFirst, lowestBlock) => {
      for (const log of newestFirst) {
        const row: LoggedRow = {
          uid: log.args.uid,
          hotkey: getAddress(log.args.hotkey),
          slot: log.args.slot,
          weightsHash: log.args.weightsHash,
          packedWeights: log.args.packedWeights,
          blockNumber: log.blockNumber,
        };
        if (!latest.has(row.hotkey)) latest.set(row.hotkey, row);
        if (!latestAsOf.has(row.hotkey) && (p.asOfSlot === undefined || row.slot <= p.asOfSlot)) {
          latestAsOf.set(row.hotkey, row);
        }
      }
      if (registry === undefined) return false;
      for (const hotkey of open) if (latestAsOf.has(hotkey)) open.delete(hotkey);
      // Found their latest row but not one as of asOfSlot: done once the blocks below are from before the
      // occupant's registration.
      if ([...open].every((h) => latest.has(h)) && open.size > 0 && lowestBlock > p.fromBlock) {
        const slot = await slotOfBlock(lowestBlock);
        for (const hotkey of open) if (slot < wanted.get(hotkey)!.registeredAt) open.delete(hotkey);
      }
      return open.size === 0;
    },
  );

  if (registry !== undefined) {
    // A hotkey whose every WeightsSet is missing from the logs (a node whose log index lags) would otherwise just
    // vanish from the matrix: every uid's occupant with stored weights must have a logged row.
    for (const [hotkey, { uid }] of wanted) {
      if (latest.has(hotkey)) continue;
      throw new WeightsInputError(
        `the logs are incomplete: uid ${uid}'s hotkey ${hotkey} has weightsHashOf ${await storedHashOf(hotkey)} at ` +
          `block ${blockNumber} but no WeightsSet in blocks ${lowestRead}..${blockNumber}; read the logs from ` +
          "another RPC node (or start fromBlock at the Weights deployment)",
      );
    }
    // The stored hash at `blockNumber` vouches for a hotkey's latest row only. When that row is newer than
    // `asOfSlot` (set in the closing slot itself), the row used is an older one, which a gap in the logs could
    // replace by a still older row, or hide: check it against `weightsOf` as of the end of `asOfSlot`.
    const newer = [...wanted].filter(([hotkey]) => p.asOfSlot !== undefined && latest.get(hotkey)!.slot > p.asOfSlot);
    if (newer.length > 0) {
      const asOfBlock = await (p.asOfBlock?.() ??
        lastBlockAtOrBeforeSlot(client, await genesis(), p.asOfSlot!, p.fromBlock));
      await Promise.all(
        newer.map(async ([hotkey, { uid, registeredAt }]) => {
          const none = [zeroHash, 0, 0n] as const;
          // No Weights contract yet at that block (`fromBlock` before its deployment): no weights then either.
          const [hash, , slot] =
            asOfBlock === undefined
              ? none
              : await client
                  .readContract({
                    address: p.weights,
                    abi: weightsAbi,
                    functionName: "weightsOf",
                    args: [p.netuid, hotkey],
                    blockNumber: asOfBlock,
                  })
                  .catch((err: unknown) => {
                    if (err instanceof BaseError && err.walk((e) => e instanceof ContractFunctionZeroDataError)) {
                      return none;
                    }
                    throw err;
                  });
          const row = latestAsOf.get(hotkey);
          // No row then, or one from before this registration: the logs may give only such a row (dropped below).
          if (hash === zeroHash || slot < registeredAt) {
            if (row === undefined || row.slot < registeredAt) return;
          } else if (row?.weightsHash === hash && row.slot === slot) return;
          const held =
            hash === zeroHash || slot < registeredAt
              ? `no weights of its registration (from slot ${registeredAt})`
              : `weights ${hash} from slot ${slot}`;
          throw new WeightsInputError(
            `the logs are incomplete or forged: uid ${uid}'s hotkey ${hotkey} had ${held} at the end of slot ` +
              `${p.asOfSlot} (block ${asOfBlock}), but its latest WeightsSet by then in the logs is ` +
              (row === undefined ? "none" : `${row.weightsHash} from slot ${row.slot} (block ${row.blockNumber})`) +
              "; read the logs from another RPC node",
          );
        }),
      );
    }
  }

  const checked = await Promise.all(
    [...latestAsOf.values()].map(async (row): Promise<WeightRow | DroppedRow> => {
      const drop = (reason: DropReason, detail: string): DroppedRow => ({
        uid: row.uid,
        hotkey: row.hotkey,
        slot: row.slot,
        reason,
        detail,
      });
      // The contract emits keccak256 of the vector it checked: anything else is the RPC node's doing, and a
      // validator that dropped the row would vote another root than its peers. Refuse instead.
      const computed = keccak256(row.packedWeights);
      if (computed !== row.weightsHash) {
        throw new WeightsInputError(
          `WeightsSet of ${row.hotkey} (block ${row.blockNumber}) is corrupt: keccak256(packedWeights) ${computed} != ` +
            `its weightsHash ${row.weightsHash}; read the logs from another RPC node`,
        );
      }
      let entries: WeightEntry[];
      try {
        entries = unpackWeights(row.packedWeights);
      } catch (err) {
        throw new WeightsInputError(
          `WeightsSet of ${row.hotkey} (block ${row.blockNumber}) is corrupt: ${(err as Error).message}; ` +
            "read the logs from another RPC node",
        );
      }
      const head = latest.get(row.hotkey)!;
      const stored = await storedHashOf(row.hotkey);
      if (stored !== head.weightsHash) {
        if (stored === zeroHash) {
          return drop("no-stored-weights", `latest event (block ${head.blockNumber}) is from an earlier life`);
        }
        throw new WeightsInputError(
          `the logs are incomplete: ${row.hotkey}'s latest WeightsSet (block ${head.blockNumber}) has ` +
            `${head.weightsHash}, weightsHashOf at block ${blockNumber} has ${stored}; read the logs from another RPC node`,
        );
      }
      if (registry !== undefined) {
        // The occupant first: a row from an earlier life of the netuid may name a uid the subnet no longer has
        // (`hotkeyAt` returns zero there, `registrationSlot` reverts), and is not the occupant's anyway.
        const occupant = await occupantOf(row.uid);
        if (!isAddressEqual(occupant, row.hotkey)) {
          return drop("not-occupant", `uid ${row.uid} is held by ${occupant}`);
        }
        const registeredAt = await registrationSlotOf(row.uid);
        if (registeredAt > row.slot) {
          return drop("set-before-registration", `set at slot ${row.slot}, occupant registered at ${registeredAt}`);
        }
      }
      return {
        uid: row.uid,
        hotkey: row.hotkey,
        slot: row.slot,
        weightsHash: row.weightsHash,
        entries,
        blockNumber: row.blockNumber,
      };
    }),
  );

  const rows: WeightRow[] = [];
  const dropped: DroppedRow[] = [];
  for (const r of checked) {
    if ("reason" in r) {
      dropped.push(r);
      logger?.warn({ netuid: p.netuid, ...r, slot: r.slot.toString() }, "weights row dropped");
    } else {
      rows.push(r);
    }
  }
  rows.sort((a, b) => a.uid - b.uid);
  logger?.info(
    { netuid: p.netuid, rows: rows.length, dropped: dropped.length, blockNumber: blockNumber.toString() },
    "weight matrix rebuilt",
  );
  return { netuid: p.netuid, asOfSlot: p.asOfSlot, blockNumber, rows, dropped };
}

/** The matrix as dense u16 rows: `out[i][j]` is uid i's weight on uid j (0 where none), for `n` uids. */
export function toDenseMatrix(matrix: WeightMatrix, n: number): number[][] {
  const out = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const row of matrix.rows) {
    if (row.uid >= n) continue;
    for (const e of row.entries) if (e.uid < n) out[row.uid]![e.uid] = e.value;
  }
  return out;
}

/** `read` memoised by its key: each key is read once, and concurrent callers share the one promise. */
function once<K, V>(read: (key: K) => Promise<V>): (key: K) => Promise<V> {
  const reads = new Map<K, Promise<V>>();
  return (key) => {
    let r = reads.get(key);
    if (r === undefined) reads.set(key, (r = read(key)));
    return r;
  };
}
