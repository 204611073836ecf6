import type { Client } from "viem";

/**
 * Moves a local chain's time forward so that epochs pass in seconds: every `intervalMs` it adds
 * `slotsPerTick` slots (12 s each) with `evm_increaseTime` and mines a block. Only for Anvil/Hardhat.
 */
export class LocalClock {
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;

  constructor(
    private readonly client: Client,
    private readonly opts: { slotsPerTick: number; intervalMs: number; onError?: (err: unknown) => void },
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.opts.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Advances by `slots` slots now and mines one block. */
  async advance(slots: number): Promise<void> {
    await this.client.request({ method: "evm_increaseTime" as never, params: [slots * 12] as never });
    await this.client.request({ method: "evm_mine" as never, params: [] as never });
  }

  private async tick(): Promise<void> {
    if (this.ticking) return; // never overlap ticks on a slow machine
    this.ticking = true;
    try {
      await this.advance(this.opts.slotsPerTick);
    } catch (err) {
      this.opts.onError?.(err);
    } finally {
      this.ticking = false;
    }
  }
}
