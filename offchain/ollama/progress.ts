/**
 * A pull progress bar on stderr: redrawn in place on a terminal, one line per phase (and every 25 %) when
 * the output is a file or a pipe, so logs stay readable.
 */
import type { Writable } from "node:stream";

export interface PullFrame {
  status: string;
  total?: number;
  completed?: number;
}

function bytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export class PullProgress {
  readonly #out: Writable & { isTTY?: boolean; columns?: number };
  readonly #model: string;
  #lastStatus = "";
  #lastQuarter = -1;
  #drawn = false;

  constructor(out: Writable & { isTTY?: boolean; columns?: number }, model: string) {
    this.#out = out;
    this.#model = model;
  }

  update(f: PullFrame): void {
    const hasBar = typeof f.total === "number" && f.total > 0 && typeof f.completed === "number";
    const pct = hasBar ? Math.min(100, Math.floor(((f.completed ?? 0) / (f.total ?? 1)) * 100)) : undefined;
    if (this.#out.isTTY === true) {
      const width = 24;
      const filled = pct === undefined ? 0 : Math.round((pct / 100) * width);
      const bar =
        pct === undefined
          ? ""
          : ` [${"█".repeat(filled)}${"░".repeat(width - filled)}] ${String(pct).padStart(3)}%  ${bytes(f.completed ?? 0)} / ${bytes(f.total ?? 0)}`;
      const line = `pulling ${this.#model}: ${f.status}${bar}`;
      const cols = this.#out.columns ?? 120;
      this.#out.write(`\r${line.slice(0, cols - 1).padEnd(Math.min(cols - 1, line.length + 8))}`);
      this.#drawn = true;
      return;
    }
    const phase = f.status.startsWith("pulling ") && hasBar ? "download" : f.status;
    const quarter = pct === undefined ? -1 : Math.floor(pct / 25);
    if (phase !== this.#lastStatus || (pct !== undefined && quarter > this.#lastQuarter)) {
      this.#out.write(
        `pulling ${this.#model}: ${f.status}${pct === undefined ? "" : ` ${pct}% (${bytes(f.completed ?? 0)} / ${bytes(f.total ?? 0)})`}\n`,
      );
      this.#lastStatus = phase;
      this.#lastQuarter = phase === "download" ? quarter : -1;
    }
  }

  done(): void {
    if (this.#drawn) this.#out.write("\n");
    this.#drawn = false;
  }
}
