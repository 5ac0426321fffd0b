/**
 * The one interface every embedding backend implements (ONNX sentence-transformers folders,
 * the offline Universal Sentence Encoder lite, …). The store records `id` and `dimension`; a
 * different id means the store re-embeds in the background.
 */
export interface Embedder {
  /** Stable model identity, e.g. `onnx:all-MiniLM-L6-v2@<sha256-prefix>` or `use-lite@1`. */
  readonly id: string;
  /** Length of every vector this embedder returns. */
  readonly dimension: number;
  /** Largest batch the backend handles efficiently; callers may pass more, it splits. */
  readonly maxBatchSize: number;
  /**
   * Embeds texts in order. Vectors are L2-normalised, so cosine similarity is a dot product.
   * Rejects with an Error whose message says what to do when the model cannot run.
   */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
  /** Releases sessions and native memory. */
  close(): Promise<void>;
}
