/** What an axon serves: any handler of a verified task (Ollama in production, stubs in tests and benches). */
import type { Address } from "viem";
import type { Task } from "../protocol/schemas.js";

export interface BackendContext {
  /** Aborted when the caller's deadline passes, the caller disconnects, or the axon shuts down. */
  signal: AbortSignal;
  /** Epoch milliseconds by which the answer must be complete. */
  deadline: number;
  requestId: string;
  validator: Address;
}

export interface Backend {
  /** A whole answer, or its pieces as they are generated. Throw BackendError for a clean 502/504. */
  answer(task: Task, ctx: BackendContext): AsyncIterable<string> | Promise<string>;
  /** Extra fields for `/health` (e.g. whether the model server is up). */
  health?(): Record<string, unknown>;
}

/** A failure of the backend the caller should see as 502 (bad gateway) or 504 (gateway timeout). */
export class BackendError extends Error {
  constructor(
    readonly status: 502 | 504,
    readonly code: "backend_error" | "backend_timeout",
    readonly reason: string,
  ) {
    super(reason);
    this.name = "BackendError";
  }
}
