/** Runs `fn` over `items` with at most `limit` in flight; results keep the items' order. */
export async function mapPool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!(Number.isInteger(limit) && limit > 0)) throw new RangeError(`concurrency ${limit} must be a positive integer`);
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** `promise`'s outcome, or `{ timedOut: true }` after `ms` (the promise is left to settle on its own). */
export async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  onTimeout?: () => void,
): Promise<{ value: T } | { error: unknown } | { timedOut: true }> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<{ timedOut: true }>((resolve) => {
    timer = setTimeout(() => {
      onTimeout?.();
      resolve({ timedOut: true });
    }, ms);
  });
  try {
    return await Promise.race([
      promise.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
      guard,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A launch gate for work that starts with a burst of CPU (signing a request): the first `batch` callers go
 * through at once, then each next batch waits one macrotask (setImmediate), so the I/O the previous batch
 * queued (its requests) goes out before the next one is signed. Callers pass in the order they call it.
 */
export function pacer(batch: number): () => Promise<void> {
  if (!(Number.isInteger(batch) && batch > 0)) throw new RangeError(`batch ${batch} must be a positive integer`);
  let gate: Promise<void> = Promise.resolve();
  let calls = 0;
  return () => {
    if (calls++ % batch === 0 && calls > 1) gate = gate.then(() => new Promise<void>((r) => setImmediate(r)));
    return gate;
  };
}
