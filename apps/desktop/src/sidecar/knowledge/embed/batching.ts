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

/**
 * Groups item indices into batches for a padded sequence model: items sorted by length, each batch
 * at most `maxBatchSize` items and at most `maxBatchTokens` padded tokens (items × longest), but
 * never empty. Many short texts (queries) share one run; long passages run in small groups, which
 * measured faster on CPU than large padded batches (bench/embed).
 */
export function planBatches(
  lengths: readonly number[],
  maxBatchSize: number,
  maxBatchTokens: number,
): number[][] {
  const order = lengths.map((_, i) => i);
  order.sort((a, b) => (lengths[a] ?? 0) - (lengths[b] ?? 0) || a - b);
  const batches: number[][] = [];
  let current: number[] = [];
  for (const i of order) {
    const longest = lengths[i] ?? 0; // ascending order: the newcomer is the longest
    if (
      current.length > 0 &&
      (current.length >= maxBatchSize || (current.length + 1) * longest > maxBatchTokens)
    ) {
      batches.push(current);
      current = [];
    }
    current.push(i);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
