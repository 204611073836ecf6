import { startFakeOllama, type FakeOllama } from "../ollama/fakeServer.js";

export interface OllamaChoice {
  host: string;
  /** True when the built-in deterministic test server is used instead of a real Ollama. */
  builtIn: boolean;
  /** Why the built-in server was chosen (one line), when it was. */
  reason?: string;
  fake?: FakeOllama;
}

/**
 * Uses the local Ollama when it answers and has `model`; otherwise starts the built-in test server that speaks
 * Ollama's API with deterministic answers, and says why in one line.
 */
export async function chooseOllama(
  model: string,
  host = process.env.OLLAMA_HOST ?? "http://127.0.0.1:11434",
): Promise<OllamaChoice> {
  const base = host.startsWith("http") ? host : `http://${host}`;
  let reason: string;
  try {
    const res = await fetch(`${base}/api/tags`, { signal: AbortSignal.timeout(1_500) });
    const tags = (await res.json()) as { models?: { name?: string; model?: string }[] };
    const names = (tags.models ?? []).map((m) => m.name ?? m.model ?? "");
    const wanted = model.includes(":") ? model : `${model}:latest`;
    if (names.includes(model) || names.includes(wanted)) return { host: base, builtIn: false };
    reason = `Ollama at ${base} does not have ${model} (ollama pull ${model})`;
  } catch {
    reason = `no Ollama answers at ${base}`;
  }
  const fake = await startFakeOllama({ host: "127.0.0.1", port: 0, models: [model] });
  return { host: fake.url, builtIn: true, reason, fake };
}
