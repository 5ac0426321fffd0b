import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TINY_DIM,
  TINY_VOCAB,
  tinyEmbeddingTable,
  tinyModelBytes,
  tinyTokenTypeTable,
  writeTinyModelFolder,
  type TinyModelOptions,
} from '../../../../../test-support/embed/tiny-model.js';
import { dot } from '../vector.js';
import { loadOnnxEmbedder, type OnnxEmbedder } from './onnx-embedder.js';

/** The model's token embeddings, computed by hand from the tables the graph was built from. */
function handRows(tokens: readonly string[], tokenTypes: boolean): number[][] {
  const e = tinyEmbeddingTable();
  const t = tinyTokenTypeTable();
  return tokens.map((tok) => {
    const id = TINY_VOCAB.indexOf(tok as (typeof TINY_VOCAB)[number]);
    if (id < 0) throw new Error(`not in the tiny vocab: ${tok}`);
    return Array.from(
      { length: TINY_DIM },
      (_, d) => e[id * TINY_DIM + d]! + (tokenTypes ? t[d]! : 0),
    );
  });
}

function normalise(v: number[]): number[] {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function handMean(tokens: readonly string[], tokenTypes = true): number[] {
  const rows = handRows(tokens, tokenTypes);
  return normalise(rows[0]!.map((_, d) => rows.reduce((s, r) => s + r[d]!, 0) / rows.length));
}

function expectClose(actual: Float32Array | undefined, expected: readonly number[]): void {
  expect(actual).toBeDefined();
  expect(actual).toHaveLength(expected.length);
  expected.forEach((x, i) => expect(actual![i]).toBeCloseTo(x, 5));
}

describe('ONNX sentence-transformers embedder (real onnxruntime-node, model built by the test)', () => {
  let root: string;
  const opened: OnnxEmbedder[] = [];
  const load = async (name: string, options: TinyModelOptions = {}, maxBatchSize = 16) => {
    const dir = await writeTinyModelFolder(path.join(root, name), options);
    const embedder = await loadOnnxEmbedder(dir, { intraOpNumThreads: 1, maxBatchSize });
    opened.push(embedder);
    return embedder;
  };

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'va-embed-onnx-'));
  });
  afterAll(async () => {
    await Promise.all(opened.map((e) => e.close()));
    await rm(root, { recursive: true, force: true });
  });

  it('mean-pools token embeddings exactly as a hand computation, with token_type_ids fed', async () => {
    const embedder = await load('mean');
    expect(embedder.dimension).toBe(TINY_DIM);
    const [v] = await embedder.embed(['The patient has a FEVER']);
    expectClose(v, handMean(['[CLS]', 'the', 'patient', 'has', 'a', 'fever', '[SEP]']));
  });

  it('masks padding: a short text batched with a long one equals the hand computation', async () => {
    const embedder = await load('mask');
    const [long, short] = await embedder.embed([
      'the patient has a fever and pain, take one tablet daily',
      'fever',
    ]);
    expectClose(short, handMean(['[CLS]', 'fever', '[SEP]']));
    const [alone] = await embedder.embed([
      'the patient has a fever and pain, take one tablet daily',
    ]);
    expectClose(long, Array.from(alone!));
  });

  it('gives the same vectors batched (across batch boundaries) and one by one, in input order', async () => {
    const embedder = await load('batching', {}, 3);
    const texts = [
      'fever',
      'the patient has a cough and pain',
      'take one tablet daily',
      'a',
      '',
      'doses and tablets, coughing.',
      'the the the the the the the the fever',
    ];
    const batched = await embedder.embed(texts);
    expect(batched).toHaveLength(texts.length);
    for (const [i, text] of texts.entries()) {
      const [single] = await embedder.embed([text]);
      expectClose(batched[i], Array.from(single!));
    }
  });

  it('returns L2-normalised vectors', async () => {
    const embedder = await load('norm', { normalizeModule: true });
    expect(embedder.folder.normalizeModule).toBe(true);
    for (const v of await embedder.embed(['fever', 'cough and pain', '']))
      expect(dot(v, v)).toBeCloseTo(1, 5);
  });

  it('follows the pooling config: cls, max, and mean+max concatenated', async () => {
    const tokens = ['[CLS]', 'fever', 'and', 'pain', '[SEP]'];
    const rows = handRows(tokens, true);
    const cls = await load('cls', { pooling: 'cls' });
    expectClose((await cls.embed(['fever and pain']))[0], normalise(rows[0]!));
    const max = await load('max', { pooling: 'max' });
    const maxHand = rows[0]!.map((_, d) => Math.max(...rows.map((r) => r[d]!)));
    expectClose((await max.embed(['fever and pain']))[0], normalise(maxHand));
    const both = await load('both', { pooling: 'mean+max' });
    expect(both.dimension).toBe(2 * TINY_DIM);
    const meanHand = rows[0]!.map((_, d) => rows.reduce((s, r) => s + r[d]!, 0) / rows.length);
    expectClose((await both.embed(['fever and pain']))[0], normalise([...maxHand, ...meanHand]));
  });

  it('runs models without a token_type_ids input, from an onnx/ subfolder like hub repos', async () => {
    const embedder = await load('no-types', { tokenTypes: false, onnxSubfolder: true });
    expect(embedder.describe()).toMatchObject({ tokenTypeIds: false });
    const [v] = await embedder.embed(['cough']);
    expectClose(v, handMean(['[CLS]', 'cough', '[SEP]'], false));
  });

  it('feeds int32 inputs to a graph that declares them', async () => {
    const embedder = await load('int32', { inputType: 'int32' });
    const [v] = await embedder.embed(['take one tablet']);
    expectClose(v, handMean(['[CLS]', 'take', 'one', 'tablet', '[SEP]']));
  });

  it('uses a sentence_embedding output when the graph already pools', async () => {
    const embedder = await load('pooled', { pooledOutput: true, pooling: 'cls' });
    expect(embedder.describe()).toMatchObject({
      pooling: 'in graph',
      poolingSource: 'sentence_embedding',
    });
    const [v] = await embedder.embed(['fever and pain']);
    // The graph's own (mean) pooling wins over the folder's cls setting.
    expectClose(v, handMean(['[CLS]', 'fever', 'and', 'pain', '[SEP]']));
  });

  it('truncates to max_seq_length, keeping [CLS] and [SEP]', async () => {
    const embedder = await load('truncate', { maxSeqLength: 5 });
    const [v] = await embedder.embed(['the patient has a fever and pain']);
    expectClose(v, handMean(['[CLS]', 'the', 'patient', 'has', '[SEP]']));
    const long = `fever ${'pain '.repeat(5000)}`;
    const [w] = await embedder.embed([long]);
    expectClose(w, handMean(['[CLS]', 'fever', 'pain', 'pain', '[SEP]']));
  });

  it('has an id carrying a content hash: same files same id, a changed model.onnx a new id', async () => {
    const a = await load('same-name', {});
    const b = await loadOnnxEmbedder(
      await writeTinyModelFolder(path.join(root, 'copy', 'same-name')),
      {
        intraOpNumThreads: 1,
      },
    );
    opened.push(b);
    expect(a.id).toMatch(/^onnx:same-name@[0-9a-f]{12}$/);
    expect(b.id).toBe(a.id);
    await writeFile(path.join(root, 'copy', 'same-name', 'model.onnx'), tinyModelBytes(false));
    const c = await loadOnnxEmbedder(path.join(root, 'copy', 'same-name'), {
      intraOpNumThreads: 1,
    });
    opened.push(c);
    expect(c.id).not.toBe(a.id);
  });

  it('rejects incomplete folders with an actionable coded error', async () => {
    const dir = await writeTinyModelFolder(path.join(root, 'broken'));
    await rm(path.join(dir, 'tokenizer.json'));
    await expect(loadOnnxEmbedder(dir)).rejects.toMatchObject({
      code: 'EMBED_MODEL_INVALID',
      message: expect.stringMatching(/no tokenizer\.json.*models:fetch/) as unknown,
    });
    await writeFile(path.join(dir, 'tokenizer.json'), '{"model": {"type": "NoSuchModel"}}');
    await expect(loadOnnxEmbedder(dir)).rejects.toMatchObject({
      code: 'EMBED_MODEL_INVALID',
      message: expect.stringMatching(/tokenizer\.json cannot be used/) as unknown,
    });
    await writeFile(path.join(dir, 'model.onnx'), 'not a model');
    await expect(loadOnnxEmbedder(dir)).rejects.toMatchObject({
      code: 'EMBED_MODEL_INVALID',
      message: expect.stringMatching(/ONNX Runtime cannot load/) as unknown,
    });
  });

  it('refuses a Dense module the graph does not contain rather than return wrong vectors', async () => {
    const dir = await writeTinyModelFolder(path.join(root, 'dense'));
    await writeFile(
      path.join(dir, 'modules.json'),
      JSON.stringify([
        { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
        { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
        { idx: 2, name: '2', path: '2_Dense', type: 'sentence_transformers.models.Dense' },
      ]),
    );
    await expect(loadOnnxEmbedder(dir)).rejects.toMatchObject({
      code: 'EMBED_MODEL_INVALID',
      message: expect.stringMatching(/Dense/) as unknown,
    });
  });

  it('stops when aborted and refuses work after close', async () => {
    const embedder = await loadOnnxEmbedder(await writeTinyModelFolder(path.join(root, 'closing')));
    const controller = new AbortController();
    controller.abort(new Error('cancelled by test'));
    await expect(embedder.embed(['fever'], controller.signal)).rejects.toThrow('cancelled by test');
    await embedder.close();
    await expect(embedder.embed(['fever'])).rejects.toMatchObject({ code: 'EMBED_CLOSED' });
  });
});
