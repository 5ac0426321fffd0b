import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from './embedder.js';
import { loadUseLite, USE_LITE_DIMENSION, USE_LITE_ID } from './use-lite.js';
import { dot } from './vector.js';

describe('USE-lite embedder (bundled in npm, real TensorFlow.js WASM inference)', () => {
  let embedder: Embedder;
  beforeAll(async () => {
    embedder = await loadUseLite({ maxBatchSize: 4 });
  });
  afterAll(async () => {
    await embedder.close();
  });

  it('has a stable id and 512 dimensions', () => {
    expect(embedder.id).toBe(USE_LITE_ID);
    expect(embedder.dimension).toBe(USE_LITE_DIMENSION);
  });

  it('returns one L2-normalised 512-d vector per text, in order', async () => {
    const texts = ['Aspirin thins the blood.', '', '   ', 'Metformin treats type 2 diabetes.'];
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(texts.length);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v).toHaveLength(512);
      expect(Math.sqrt(dot(v, v))).toBeCloseTo(1, 5);
    }
  });

  it('scores paraphrases above unrelated sentences', async () => {
    const pairs: [string, string, string][] = [
      [
        'The patient has a high fever and a cough.',
        'The person is running a temperature and coughing.',
        'The stock market closed higher today.',
      ],
      [
        'How do I lower my blood pressure?',
        'What can reduce hypertension?',
        'The train to Berlin leaves at noon.',
      ],
      [
        'Take one tablet twice a day with food.',
        'Swallow a pill two times daily during meals.',
        'The museum is closed on Mondays.',
      ],
    ];
    for (const [a, para, unrelated] of pairs) {
      const [va, vp, vu] = await embedder.embed([a, para, unrelated]);
      const close = dot(va!, vp!);
      const far = dot(va!, vu!);
      expect(close).toBeGreaterThan(far + 0.2);
    }
  });

  it('gives the same vectors batched and one by one, across batch boundaries', async () => {
    const texts = Array.from({ length: 9 }, (_, i) => `Sentence number ${i} about dosage.`);
    const batched = await embedder.embed(texts);
    for (const [i, text] of texts.entries()) {
      const [single] = await embedder.embed([text]);
      for (let d = 0; d < 512; d++) expect(single![d]).toBeCloseTo(batched[i]![d]!, 5);
    }
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled by test'));
    await expect(embedder.embed(['x'], controller.signal)).rejects.toThrow('cancelled by test');
  });
});
