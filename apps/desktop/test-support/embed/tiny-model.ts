import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  encodeOnnxModel,
  ONNX_FLOAT,
  ONNX_INT32,
  ONNX_INT64,
  type NodeSpec,
  type ValueInfo,
} from './onnx-writer.js';

/**
 * A tiny sentence-transformers folder the tests build themselves: a BERT-style WordPiece
 * tokenizer.json and a model.onnx whose `last_hidden_state[b, s] = E[input_ids[b, s]]`
 * (+ `T[token_type_ids[b, s]]` when the model takes token types). Every vector is known in closed
 * form, so pooling can be checked against a hand computation. `attention_mask` is an input the
 * graph does not use, exactly like the padding a real model sees: the pooling must mask it.
 */
export const TINY_VOCAB = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  'the',
  'patient',
  'has',
  'a',
  'fever',
  'cough',
  'and',
  'pain',
  'dose',
  'tablet',
  'take',
  'one',
  'daily',
  '##s',
  '##ing',
  '.',
  ',',
] as const;

export const TINY_DIM = 8;

/** Deterministic, distinct, non-zero rows (also for [PAD], so unmasked padding shows). */
export function tinyEmbeddingTable(): Float32Array {
  const e = new Float32Array(TINY_VOCAB.length * TINY_DIM);
  for (let t = 0; t < TINY_VOCAB.length; t++)
    for (let d = 0; d < TINY_DIM; d++)
      e[t * TINY_DIM + d] = Math.sin(t * 1.7 + d * 0.9 + 0.3) + (t === 0 ? 2 : 0);
  return e;
}

export function tinyTokenTypeTable(): Float32Array {
  const t = new Float32Array(2 * TINY_DIM);
  for (let d = 0; d < TINY_DIM; d++) {
    t[d] = 0.05 * (d + 1);
    t[TINY_DIM + d] = -0.5;
  }
  return t;
}

export function tinyTokenizerJson(): object {
  const special = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      special(0, '[PAD]'),
      special(1, '[UNK]'),
      special(2, '[CLS]'),
      special(3, '[SEP]'),
    ],
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(TINY_VOCAB.map((tok, i) => [tok, i])),
    },
  };
}

export interface TinyModelOptions {
  /** Whether the graph takes `token_type_ids` (BERT does; DistilBERT/MPNet exports do not). */
  readonly tokenTypes?: boolean;
  /** `1_Pooling/config.json` mode flags; default mean. */
  readonly pooling?: 'mean' | 'cls' | 'max' | 'mean+max';
  readonly maxSeqLength?: number;
  /** Write modules.json with a 2_Normalize module (as sentence-transformers does). */
  readonly normalizeModule?: boolean;
  /** Write model.onnx under onnx/ like hub repos do, instead of at the folder root. */
  readonly onnxSubfolder?: boolean;
  /** Integer type of the graph's inputs (most exports use int64; some use int32). */
  readonly inputType?: 'int64' | 'int32';
  /**
   * Also output `sentence_embedding` = unmasked mean over the sequence, like exports that include
   * the pooling in the graph (equal to masked mean pooling only for an unpadded text).
   */
  readonly pooledOutput?: boolean;
}

export function tinyModelBytes(
  tokenTypes: boolean,
  options: Pick<TinyModelOptions, 'inputType' | 'pooledOutput'> = {},
): Uint8Array {
  const dyn = ['batch', 'sequence'];
  const elemType = options.inputType === 'int32' ? ONNX_INT32 : ONNX_INT64;
  const inputs: ValueInfo[] = [
    { name: 'input_ids', elemType, shape: dyn },
    { name: 'attention_mask', elemType, shape: dyn },
  ];
  const nodes: NodeSpec[] = [];
  if (tokenTypes) {
    inputs.push({ name: 'token_type_ids', elemType, shape: dyn });
    nodes.push(
      { opType: 'Gather', inputs: ['E', 'input_ids'], outputs: ['words'], intAttrs: { axis: 0 } },
      {
        opType: 'Gather',
        inputs: ['T', 'token_type_ids'],
        outputs: ['types'],
        intAttrs: { axis: 0 },
      },
      { opType: 'Add', inputs: ['words', 'types'], outputs: ['last_hidden_state'] },
    );
  } else {
    nodes.push({
      opType: 'Gather',
      inputs: ['E', 'input_ids'],
      outputs: ['last_hidden_state'],
      intAttrs: { axis: 0 },
    });
  }
  if (options.pooledOutput)
    nodes.push({
      opType: 'ReduceMean',
      inputs: ['last_hidden_state'],
      outputs: ['sentence_embedding'],
      intsAttrs: { axes: [1] },
      intAttrs: { keepdims: 0 },
    });
  return encodeOnnxModel({
    nodes,
    initializers: [
      { name: 'E', dims: [TINY_VOCAB.length, TINY_DIM], data: tinyEmbeddingTable() },
      ...(tokenTypes ? [{ name: 'T', dims: [2, TINY_DIM], data: tinyTokenTypeTable() }] : []),
    ],
    inputs,
    outputs: [
      { name: 'last_hidden_state', elemType: ONNX_FLOAT, shape: ['batch', 'sequence', TINY_DIM] },
      ...(options.pooledOutput
        ? [{ name: 'sentence_embedding', elemType: ONNX_FLOAT, shape: ['batch', TINY_DIM] }]
        : []),
    ],
  });
}

/** Writes a complete sentence-transformers folder into `dir` and returns `dir`. */
export async function writeTinyModelFolder(
  dir: string,
  options: TinyModelOptions = {},
): Promise<string> {
  const pooling = options.pooling ?? 'mean';
  const onnxPath = options.onnxSubfolder
    ? path.join(dir, 'onnx', 'model.onnx')
    : path.join(dir, 'model.onnx');
  await mkdir(path.dirname(onnxPath), { recursive: true });
  await mkdir(path.join(dir, '1_Pooling'), { recursive: true });
  await writeFile(onnxPath, tinyModelBytes(options.tokenTypes ?? true, options));
  const json = (file: string, value: unknown) =>
    writeFile(path.join(dir, file), JSON.stringify(value, null, 2));
  await json('tokenizer.json', tinyTokenizerJson());
  await json('tokenizer_config.json', { do_lower_case: true, model_max_length: 512 });
  await json('config.json', {
    model_type: 'bert',
    hidden_size: TINY_DIM,
    max_position_embeddings: 512,
  });
  await json('sentence_bert_config.json', {
    max_seq_length: options.maxSeqLength ?? 128,
    do_lower_case: false,
  });
  await json('1_Pooling/config.json', {
    word_embedding_dimension: TINY_DIM,
    pooling_mode_cls_token: pooling === 'cls',
    pooling_mode_mean_tokens: pooling === 'mean' || pooling === 'mean+max',
    pooling_mode_max_tokens: pooling === 'max' || pooling === 'mean+max',
    pooling_mode_mean_sqrt_len_tokens: false,
  });
  const modules = [
    { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
    { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
  ];
  if (options.normalizeModule)
    modules.push({
      idx: 2,
      name: '2',
      path: '2_Normalize',
      type: 'sentence_transformers.models.Normalize',
    });
  await json('modules.json', modules);
  return dir;
}

export interface SyntheticModelOptions {
  /** Hidden size (MiniLM-L6: 384). */
  readonly dim?: number;
  /** Feed-forward blocks, each dim → 4·dim → dim with a ReLU (MiniLM-L6 has 6 layers). */
  readonly layers?: number;
  readonly maxSeqLength?: number;
}

/**
 * A MiniLM-sized stand-in for benchmarks: the tiny tokenizer and an embedding lookup followed by
 * `layers` feed-forward blocks of MiniLM's width (no attention). Its vectors mean nothing; it
 * measures what batching, padding and threads do to a graph with realistic matrix sizes, since
 * real weights cannot be downloaded here.
 */
export async function writeSyntheticModelFolder(
  dir: string,
  options: SyntheticModelOptions = {},
): Promise<string> {
  const dim = options.dim ?? 384;
  const layers = options.layers ?? 6;
  await writeTinyModelFolder(dir, { tokenTypes: false, maxSeqLength: options.maxSeqLength ?? 256 });
  let seed = 42;
  const random = (n: number, scale: number) =>
    Float32Array.from({ length: n }, () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return (seed / 2 ** 31 - 0.5) * scale;
    });
  const nodes: NodeSpec[] = [
    { opType: 'Gather', inputs: ['E', 'input_ids'], outputs: ['h0'], intAttrs: { axis: 0 } },
  ];
  const initializers = [
    { name: 'E', dims: [TINY_VOCAB.length, dim], data: random(TINY_VOCAB.length * dim, 1) },
  ];
  for (let l = 0; l < layers; l++) {
    initializers.push(
      { name: `W${l}a`, dims: [dim, 4 * dim], data: random(dim * 4 * dim, 2 / Math.sqrt(dim)) },
      { name: `W${l}b`, dims: [4 * dim, dim], data: random(4 * dim * dim, 1 / Math.sqrt(dim)) },
    );
    nodes.push(
      { opType: 'MatMul', inputs: [`h${l}`, `W${l}a`], outputs: [`u${l}`] },
      { opType: 'Relu', inputs: [`u${l}`], outputs: [`r${l}`] },
      { opType: 'MatMul', inputs: [`r${l}`, `W${l}b`], outputs: [`d${l}`] },
      {
        opType: 'Add',
        inputs: [`h${l}`, `d${l}`],
        outputs: [l === layers - 1 ? 'last_hidden_state' : `h${l + 1}`],
      },
    );
  }
  const dyn = ['batch', 'sequence'];
  const bytes = encodeOnnxModel({
    nodes,
    initializers,
    inputs: [
      { name: 'input_ids', elemType: ONNX_INT64, shape: dyn },
      { name: 'attention_mask', elemType: ONNX_INT64, shape: dyn },
    ],
    outputs: [
      { name: 'last_hidden_state', elemType: ONNX_FLOAT, shape: ['batch', 'sequence', dim] },
    ],
  });
  await writeFile(path.join(dir, 'model.onnx'), bytes);
  await writeFile(
    path.join(dir, '1_Pooling', 'config.json'),
    JSON.stringify({ word_embedding_dimension: dim, pooling_mode_mean_tokens: true }),
  );
  return dir;
}
