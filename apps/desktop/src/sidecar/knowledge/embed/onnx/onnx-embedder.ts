import os from 'node:os';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { planBatches, SerialQueue } from '../batching.js';
import type { Embedder } from '../embedder.js';
import { EmbedError, messageOf } from '../errors.js';
import { l2NormalizeInPlace } from '../vector.js';
import { readModelFolder, type ModelFolder } from './folder.js';
import { pool } from './pooling.js';
import { SequenceTokenizer, type Encoded } from './tokenize.js';

export interface OnnxEmbedderOptions {
  /** ONNX Runtime threads inside one operator. Default: cores - 1, clamped to 1..4 (shared machine). */
  readonly intraOpNumThreads?: number;
  readonly maxBatchSize?: number;
  /** Largest padded batch (texts × longest text, in tokens) sent to the model in one run. */
  readonly maxBatchTokens?: number;
  /** Lower the folder's max_seq_length (never raise it: position embeddings end there). */
  readonly maxSeqLength?: number;
}

const DEFAULT_MAX_BATCH = 32;
/**
 * bench/embed (2 shared cores, MiniLM-sized graph, three runs): batching ~20-token queries was
 * 1.7-2.6x faster than one at a time, while batching 230-token passages in groups of 4 or 16 was
 * slower (x0.45-0.85: large intermediates spill the caches). A padded-token budget gets both:
 * queries share a run, a passage longer than half the budget runs alone.
 */
const DEFAULT_MAX_BATCH_TOKENS = 256;
/** Outputs that sentence-transformers ONNX exports use for already pooled sentence vectors. */
const POOLED_OUTPUTS = ['sentence_embedding', 'sentence_embeddings'];
const TOKEN_OUTPUTS = ['last_hidden_state', 'token_embeddings'];

export function defaultIntraOpThreads(): number {
  return Math.min(4, Math.max(1, os.availableParallelism() - 1));
}

/** Loads `<dir>` (a sentence-transformers folder with model.onnx + tokenizer.json) and warms it up. */
export async function loadOnnxEmbedder(
  dir: string,
  options: OnnxEmbedderOptions = {},
): Promise<OnnxEmbedder> {
  const folder = await readModelFolder(dir);
  process.env.ORT_DISABLE_TELEMETRY ??= '1'; // a clinical workstation must not phone home
  const ort = await import('onnxruntime-node');
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(folder.onnxPath, {
      intraOpNumThreads: options.intraOpNumThreads ?? defaultIntraOpThreads(),
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    });
  } catch (error) {
    throw new EmbedError(
      'EMBED_MODEL_INVALID',
      `ONNX Runtime cannot load ${folder.onnxPath} (${messageOf(error)}). Replace the folder with a valid sentence-transformers ONNX export.`,
      { cause: error },
    );
  }
  try {
    const embedder = new OnnxEmbedder(folder, session, ort.Tensor, options);
    await embedder.warmUp();
    return embedder;
  } catch (error) {
    await session.release();
    throw error;
  }
}

type TensorCtor = typeof Tensor;

export class OnnxEmbedder implements Embedder {
  readonly id: string;
  private measuredDimension = 0;
  readonly maxBatchSize: number;
  readonly maxBatchTokens: number;
  readonly folder: ModelFolder;
  private readonly tokenizer: SequenceTokenizer;
  private readonly inputType: 'int64' | 'int32';
  private readonly hasTokenTypes: boolean;
  private readonly outputName: string;
  private readonly pooled: boolean;
  private readonly queue = new SerialQueue();
  private closed = false;

  constructor(
    folder: ModelFolder,
    private readonly session: InferenceSession,
    private readonly TensorClass: TensorCtor,
    options: OnnxEmbedderOptions,
  ) {
    this.folder = folder;
    this.id = `onnx:${folder.name}@${folder.fingerprint.slice(0, 12)}`;
    this.maxBatchSize = options.maxBatchSize ?? DEFAULT_MAX_BATCH;
    this.maxBatchTokens = options.maxBatchTokens ?? DEFAULT_MAX_BATCH_TOKENS;
    const invalid = (what: string) =>
      new EmbedError('EMBED_MODEL_INVALID', `Model "${folder.name}": ${what}.`);
    const inputs = new Map(session.inputMetadata.map((m) => [m.name, m]));
    const ids = inputs.get('input_ids');
    if (ids === undefined)
      throw invalid(`model.onnx has no input_ids input (inputs: ${session.inputNames.join(', ')})`);
    this.inputType = ids.isTensor && ids.type === 'int32' ? 'int32' : 'int64';
    this.hasTokenTypes = inputs.has('token_type_ids');
    const unknown = session.inputNames.filter(
      (n) => !['input_ids', 'attention_mask', 'token_type_ids'].includes(n),
    );
    if (unknown.length > 0)
      throw invalid(`model.onnx needs inputs this loader does not provide: ${unknown.join(', ')}`);
    const pooledOut = session.outputNames.find((n) => POOLED_OUTPUTS.includes(n));
    const tokenOut = session.outputNames.find((n) => TOKEN_OUTPUTS.includes(n));
    if (pooledOut !== undefined) {
      this.outputName = pooledOut;
      this.pooled = true;
    } else {
      if (folder.hasDenseModule)
        throw invalid(
          'modules.json has a Dense layer after pooling, but model.onnx outputs token embeddings only; export the full pipeline (output sentence_embedding)',
        );
      const first = session.outputNames[0];
      if (first === undefined) throw invalid('model.onnx has no outputs');
      this.outputName = tokenOut ?? first;
      this.pooled = false;
    }
    const maxSeq = Math.min(folder.maxSeqLength, options.maxSeqLength ?? Number.MAX_SAFE_INTEGER);
    try {
      this.tokenizer = new SequenceTokenizer(folder.tokenizerJson, folder.tokenizerConfig, maxSeq);
    } catch (error) {
      throw invalid(`tokenizer.json cannot be used (${messageOf(error)})`);
    }
  }

  /** Runs once at load: proves the graph runs and learns the output dimension. */
  async warmUp(): Promise<void> {
    const [v] = await this.run([this.tokenizer.encode('warm up')]);
    if (v === undefined || v.length === 0)
      throw new EmbedError(
        'EMBED_MODEL_INVALID',
        `Model "${this.folder.name}" produced an empty vector.`,
      );
    this.measuredDimension = v.length;
  }

  /** Known after warm-up (the output width, times the number of pooling modes). */
  get dimension(): number {
    return this.measuredDimension;
  }

  /** How the model is configured, for the factory's log line. */
  describe(): Readonly<Record<string, unknown>> {
    return {
      pooling: this.pooled ? 'in graph' : this.folder.pooling.join('+'),
      poolingSource: this.pooled ? this.outputName : this.folder.poolingSource,
      maxSeqLength: this.tokenizer.maxSeqLength,
      tokenTypeIds: this.hasTokenTypes,
      normalizeModule: this.folder.normalizeModule,
    };
  }

  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    if (this.closed)
      return Promise.reject(
        new EmbedError('EMBED_CLOSED', 'The embedder was closed; create a new one.'),
      );
    return this.queue.run(async () => {
      signal?.throwIfAborted();
      const encoded = texts.map((t) => this.tokenizer.encode(t));
      const out = new Array<Float32Array>(texts.length);
      const lengths = encoded.map((e) => e.ids.length);
      for (const batch of planBatches(lengths, this.maxBatchSize, this.maxBatchTokens)) {
        signal?.throwIfAborted();
        const vectors = await this.run(batch.map((i) => encoded[i] ?? { ids: [], typeIds: [] }));
        batch.forEach((i, k) => {
          const v = vectors[k];
          if (v !== undefined) out[i] = v;
        });
      }
      return out;
    });
  }

  private async run(encoded: readonly Encoded[]): Promise<Float32Array[]> {
    const batch = encoded.length;
    const seq = Math.max(...encoded.map((e) => e.ids.length));
    const mask = new Uint8Array(batch * seq);
    const feeds: Record<string, Tensor> = {
      input_ids: this.intTensor(encoded, seq, (e) => e.ids, this.tokenizer.padId),
      attention_mask: this.intTensor(encoded, seq, (e) => e.ids.map(() => 1), 0),
    };
    if (this.hasTokenTypes)
      feeds.token_type_ids = this.intTensor(encoded, seq, (e) => e.typeIds, 0);
    encoded.forEach((e, b) => mask.fill(1, b * seq, b * seq + e.ids.length));
    let output: Tensor | undefined;
    try {
      const result = await this.session.run(feeds, [this.outputName]);
      output = result[this.outputName];
    } catch (error) {
      throw new EmbedError(
        'EMBED_RUN_FAILED',
        `ONNX inference failed for model "${this.folder.name}": ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    }
    if (output?.type !== 'float32')
      throw new EmbedError(
        'EMBED_MODEL_INVALID',
        `Model "${this.folder.name}" output ${this.outputName} is not float32.`,
      );
    const data = output.data as Float32Array;
    const dims = output.dims;
    let vectors: Float32Array[];
    if (this.pooled || dims.length === 2) {
      const dim = dims[dims.length - 1] ?? 0;
      vectors = Array.from({ length: batch }, (_, b) => data.slice(b * dim, (b + 1) * dim));
    } else if (dims.length === 3 && dims[0] === batch && dims[1] === seq) {
      vectors = pool({ data, batch, seq, dim: dims[2] ?? 0 }, mask, this.folder.pooling);
    } else {
      throw new EmbedError(
        'EMBED_MODEL_INVALID',
        `Model "${this.folder.name}" output ${this.outputName} has shape [${dims.join(', ')}], expected [${batch}, ${seq}, dim].`,
      );
    }
    output.dispose();
    return vectors.map(l2NormalizeInPlace);
  }

  private intTensor(
    encoded: readonly Encoded[],
    seq: number,
    pick: (e: Encoded) => readonly number[],
    pad: number,
  ): Tensor {
    const dims = [encoded.length, seq];
    if (this.inputType === 'int32') {
      const a = new Int32Array(encoded.length * seq).fill(pad);
      encoded.forEach((e, b) => a.set(pick(e), b * seq));
      return new this.TensorClass('int32', a, dims);
    }
    const a = new BigInt64Array(encoded.length * seq).fill(BigInt(pad));
    encoded.forEach((e, b) => pick(e).forEach((v, s) => (a[b * seq + s] = BigInt(v))));
    return new this.TensorClass('int64', a, dims);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return this.queue.run(() => this.session.release());
  }
}
