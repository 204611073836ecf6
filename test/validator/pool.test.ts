import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mapPool, pacer } from "../../offchain/validator/pool.js";

describe("pacer", () => {
  it("lets one batch through, then one more batch per macrotask", async () => {
    const pace = pacer(2);
    const events: string[] = [];
    let ticks = 0;
    const tick = (): void => {
      events.push(`tick${++ticks}`);
      if (ticks < 3) setImmediate(tick);
    };
    setImmediate(tick);
    await Promise.all([1, 2, 3, 4, 5].map((i) => pace().then(() => events.push(`go${i}`))));
    assert.deepEqual(events, ["go1", "go2", "tick1", "go3", "go4", "tick2", "go5"]);
  });

  it("refuses a batch that is not a positive integer", () => {
    assert.throws(() => pacer(0), /batch 0 must be a positive integer/);
  });
});

describe("mapPool", () => {
  it("keeps the items' order whatever order they finish in", async () => {
    const out = await mapPool([30, 10, 20], 3, async (ms, i) => {
      await new Promise((r) => setTimeout(r, ms));
      return `${i}:${ms}`;
    });
    assert.deepEqual(out, ["0:30", "1:10", "2:20"]);
  });
});
