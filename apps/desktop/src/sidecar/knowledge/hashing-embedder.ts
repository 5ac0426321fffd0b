import type { Embedder } from './embed/embedder.js';
import { contentTerms } from './terms.js';

/** FNV-1a, 32-bit. */
function fnv1a(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Feature-hashing bag of words (unigrams + bigrams, sublinear tf, signed hashing). Not semantic:
 * a cheap, deterministic, dependency-free fallback for when no neural encoder can run, and a fast
 * backend for tests of the store and retrieval mechanics.
 */
export class HashingEmbedder implements Embedder {
  readonly id: string;
  readonly maxBatchSize = 1024;
  constructor(readonly dimension = 256) {
    if (dimension % 8 !== 0) throw new Error('dimension must be a multiple of 8');
    this.id = `hashing-bow@1/${dimension}`;
  }

  embedOne(text: string): Float32Array {
    const v = new Float32Array(this.dimension);
    const terms = contentTerms(text);
    const counts = new Map<string, number>();
    let previous: string | undefined;
    for (const term of terms) {
      counts.set(term, (counts.get(term) ?? 0) + 1);
      if (previous !== undefined) {
        const bigram = `${previous} ${term}`;
        counts.set(bigram, (counts.get(bigram) ?? 0) + 0.5);
      }
      previous = term;
    }
    for (const [feature, tf] of counts) {
      const h = fnv1a(feature);
      const sign = (fnv1a(feature, 0x9747b28c) & 1) === 0 ? 1 : -1;
      const i = h % this.dimension;
      v[i] = (v[i] ?? 0) + sign * (1 + Math.log(tf + 1));
    }
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / norm;
    return v;
  }

  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    signal?.throwIfAborted();
    return Promise.resolve(texts.map((t) => this.embedOne(t)));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
