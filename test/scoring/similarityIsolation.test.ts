/**
 * scoreSimilarities: the reference (and prompt) embedded on their own first, answers in chunks, a failing chunk
 * bisected down to the answers that fail, the prompt's floor, and what is left when the embedder stops working
 * or the signal fires.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hashEmbedding } from "../../offchain/ollama/embedding.js";
import { cosine, promptFloor, scoreSimilarities, type Embed } from "../../offchain/scoring/similarity.js";

const vec = (t: string) => hashEmbedding(t, 256);
const REF = "Ocean tides rise and fall twice a day as the moon's gravity pulls on the sea.";
const PROMPT = "Explain ocean tides to a journalist in two sentences.";

describe("scoreSimilarities", () => {
  it("embeds the reference and prompt first, then bisects a failing chunk down to the bad answers", async () => {
    const calls: string[][] = [];
    const embed: Embed = async (texts) => {
      calls.push(texts);
      if (texts.some((t) => t.includes("BAD"))) throw new Error("bad input");
      return texts.map(vec);
    };
    const answers = Array.from({ length: 10 }, (_, i) => (i === 3 || i === 7 ? `BAD ${i}` : REF));
    const run = await scoreSimilarities(embed, REF, answers, { prompt: PROMPT, chunkSize: 4 });
    assert.deepEqual(calls[0], [REF, PROMPT]);
    assert.deepEqual(run.scores, [1, 1, 1, 0, 1, 1, 1, 0, 1, 1]);
    assert.deepEqual([...run.failed.keys()], [3, 7]);
    assert.equal(run.failed.get(3), "bad input");
    assert.equal(run.embedderFailed, undefined);
    assert.ok(calls.length < 20, `${calls.length} calls`);
  });

  it("raises the floor to cosine(reference, prompt) + margin: the prompt itself scores exactly 0", async () => {
    const embed: Embed = async (texts) => texts.map(vec);
    const run = await scoreSimilarities(embed, REF, [PROMPT, REF, ""], { prompt: PROMPT, promptMargin: 0.05 });
    const c = cosine(vec(REF), vec(PROMPT));
    assert.equal(run.promptCosine, c);
    assert.equal(run.floor, Math.max(0.5, c + 0.05));
    assert.deepEqual(run.scores, [0, 1, 0]);
    assert.equal(promptFloor(0.5, 0.2), 0.5);
    assert.equal(promptFloor(0.5, 0.7, 0.1), 0.7 + 0.1);
    // A reference that only restates the prompt is of no use: the caller leaves the answers unscored.
    await assert.rejects(scoreSimilarities(embed, PROMPT, [REF], { prompt: PROMPT }), /as close to the prompt/);
  });

  it("blames nobody when the embedder itself breaks after the reference; stops at the signal", async () => {
    let n = 0;
    const breaks: Embed = async (texts) => {
      if (n++ > 0) throw new Error("connection refused");
      return texts.map(vec);
    };
    const run = await scoreSimilarities(breaks, REF, [REF, REF, REF], { chunkSize: 2 });
    assert.deepEqual(run.scores, [undefined, undefined, undefined]);
    assert.equal(run.failed.size, 0);
    assert.equal(run.embedderFailed, "connection refused");

    const stop = new AbortController();
    let calls = 0;
    const slow: Embed = (texts, signal) =>
      new Promise((resolve, reject) => {
        if (calls++ === 2) {
          stop.abort(new Error("budget spent"));
          return; // ignores its signal: never settles
        }
        if (signal?.aborted) return reject(signal.reason as Error);
        resolve(texts.map(vec));
      });
    const partial = await scoreSimilarities(slow, REF, [REF, REF, REF, REF], { chunkSize: 2, signal: stop.signal });
    assert.deepEqual(partial.scores, [1, 1, undefined, undefined]);
    await assert.rejects(
      scoreSimilarities(async (t) => t.map(vec), REF, [REF], { signal: AbortSignal.abort(new Error("stopped")) }),
      /stopped/,
    );
  });
});
