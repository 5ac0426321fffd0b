/**
 * Runs `embedBatch` over `texts` in slices of at most `maxBatchSize`, checking `signal` between
 * slices, and returns vectors in input order. With `sortKey`, texts of similar size share a batch
 * (less padding for sequence models); results are put back in the caller's order.
 */
export async function embedInBatches(
  texts: readonly string[],
  maxBatchSize: number,
  embedBatch: (batch: readonly string[]) => Promise<Float32Array[]>,
  options: { signal?: AbortSignal | undefined; sortKey?: (text: string) => number } = {},
): Promise<Float32Array[]> {
  const { signal, sortKey } = options;
  signal?.throwIfAborted();
  const order = texts.map((_, i) => i);
  if (sortKey !== undefined) {
    const keys = texts.map(sortKey);
    order.sort((a, b) => (keys[a] ?? 0) - (keys[b] ?? 0) || a - b);
  }
  const out = new Array<Float32Array>(texts.length);
  const size = Math.max(1, Math.floor(maxBatchSize));
  for (let start = 0; start < order.length; start += size) {
    signal?.throwIfAborted();
    const idx = order.slice(start, start + size);
    const vectors = await embedBatch(idx.map((i) => texts[i] ?? ''));
    if (vectors.length !== idx.length)
      throw new Error(`backend returned ${vectors.length} vectors for ${idx.length} texts`);
    idx.forEach((i, k) => (out[i] = vectors[k] ?? new Float32Array()));
  }
  signal?.throwIfAborted();
  return out;
}

/** Serialises async work: one native inference at a time per embedder keeps memory predictable. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
