/**
 * What a reverted contract call says, from a viem error (one concept: decoding a revert). The CLI's hints, the
 * workers' log lines and the checks that branch on an error name all read it from here.
 */
import { BaseError, ContractFunctionRevertedError } from "viem";

export type Revert =
  /** A custom error of the ABI: its name, its values in order and by parameter name. */
  | { kind: "custom"; errorName: string; args: readonly unknown[]; named: Readonly<Record<string, unknown>> }
  /** A custom error the ABI lacks: its 4-byte selector. */
  | { kind: "unknown"; signature: string }
  /** `require` with a message, a panic, or a revert without data. */
  | { kind: "other"; reason: string | undefined; shortMessage: string };

/** The revert inside `err`, or undefined when `err` is not a reverted contract call (a network error, gas). */
export function decodeRevert(err: unknown): Revert | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
  if (!(reverted instanceof ContractFunctionRevertedError)) return undefined;
  const data = reverted.data;
  if (data) {
    const args = data.args ?? [];
    const named: Record<string, unknown> = {};
    const inputs = "inputs" in data.abiItem ? data.abiItem.inputs : [];
    inputs.forEach((input, i) => {
      if (input.name) named[input.name] = args[i];
    });
    return { kind: "custom", errorName: data.errorName, args, named };
  }
  if (reverted.signature) return { kind: "unknown", signature: reverted.signature };
  return { kind: "other", reason: reverted.reason, shortMessage: reverted.shortMessage };
}

/** The custom error's name, when `err` is a revert with one the ABI knows. */
export function revertName(err: unknown): string | undefined {
  const r = decodeRevert(err);
  return r?.kind === "custom" ? r.errorName : undefined;
}

/** `Name(value, value)`: a custom error as the messages show it (bigints in decimal). */
export function customErrorText(r: Extract<Revert, { kind: "custom" }>): string {
  return `${r.errorName}(${r.args.map((x) => (typeof x === "bigint" ? x.toString() : String(x))).join(", ")})`;
}
