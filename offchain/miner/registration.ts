/**
 * Registration before serving: show the burn, refuse above the operator's maximum, register otherwise.
 * The contract enforces `maxBurn` as well (the burn can rise between the read and the transaction).
 */
import type { Address } from "viem";
import type { Logger } from "../log.js";
import type { MinerChain, RegistrationReceipt } from "./minerChain.js";
import { formatTao } from "../util/rao.js";
import { fundHotkeyCommand } from "../wallet/fundHint.js";

export class BurnTooHighError extends Error {
  constructor(
    readonly netuid: number,
    readonly cost: bigint,
    readonly maxBurn: bigint,
  ) {
    super(
      `registration on subnet ${netuid} costs ${formatTao(cost)}, above --max-burn ${formatTao(maxBurn)}: ` +
        "raise --max-burn or wait for the burn to decay",
    );
    this.name = "BurnTooHighError";
  }
}

export class NotRegisteredError extends Error {
  constructor(
    readonly netuid: number,
    readonly hotkey: Address,
  ) {
    super(`hotkey ${hotkey} is not registered on subnet ${netuid}: rerun with --register --max-burn <TAO>`);
    this.name = "NotRegisteredError";
  }
}

export class HotkeyHasNoGasError extends Error {
  constructor(readonly hotkey: Address) {
    super(
      `hotkey ${hotkey} has no native balance to pay gas for serveAxon after registering: send it some first ` +
        `(\`${fundHotkeyCommand()}\`; nothing was burned)`,
    );
    this.name = "HotkeyHasNoGasError";
  }
}

export interface EnsureRegisteredOptions {
  netuid: number;
  hotkey: Address;
  register: boolean;
  maxBurn?: bigint;
  /** The hotkey will send a transaction after registering (serveAxon): refuse to burn if it cannot pay gas. */
  hotkeyPaysGas?: boolean;
  logger: Logger;
}

/** Returns the receipt when it registered, undefined when the hotkey already was. */
export async function ensureRegistered(
  chain: MinerChain,
  o: EnsureRegisteredOptions,
): Promise<RegistrationReceipt | undefined> {
  if (await chain.isRegistered(o.netuid, o.hotkey)) {
    o.logger.info({ netuid: o.netuid, hotkey: o.hotkey }, "hotkey already registered");
    return undefined;
  }
  if (!o.register || o.maxBurn === undefined) throw new NotRegisteredError(o.netuid, o.hotkey);
  const cost = await chain.burnCost(o.netuid);
  o.logger.info(
    { netuid: o.netuid, burn: formatTao(cost), maxBurn: formatTao(o.maxBurn) },
    `registration burn is ${formatTao(cost)}`,
  );
  if (cost > o.maxBurn) throw new BurnTooHighError(o.netuid, cost, o.maxBurn);
  if (o.hotkeyPaysGas && chain.gasBalance && (await chain.gasBalance(o.hotkey)) === 0n) {
    throw new HotkeyHasNoGasError(o.hotkey);
  }
  const receipt = await chain.register(o.netuid, o.maxBurn);
  o.logger.info(
    { netuid: o.netuid, uid: receipt.uid, burned: formatTao(receipt.burned), tx: receipt.txHash },
    "registered",
  );
  return receipt;
}
