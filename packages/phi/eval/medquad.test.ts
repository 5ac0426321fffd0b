/**
 * Clinical terms stay: the shipped detector on MedQuAD answer passages it was never trained or
 * tuned on (the committed fifth, eval/fixtures/medquad-test.jsonl). They carry no patient
 * identifiers, so every span found is a false identifier. The goals: ≤ 5 per 10,000 words
 * in `strict`, ≤ 2 in `balanced`. Where the measured figure misses a goal the test asserts the
 * measured bound and says so in its name (the package README lists the gap).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { detectPhi } from '../src/detect.js';
import type { PhiMode, PhiSpan } from '../src/types.js';
import { loadMedquadTest } from '../train/corpus.js';
import { falseIdsPer10kWords } from './score.js';

const rate: Partial<Record<PhiMode, number>> = {};

beforeAll(() => {
  const docs = loadMedquadTest();
  for (const mode of ['strict', 'balanced'] as const) {
    const preds = new Map<string, PhiSpan[]>(docs.map((d) => [d.id, detectPhi(d.text, { mode })]));
    rate[mode] = falseIdsPer10kWords(docs, preds).per10k;
  }
}, 120_000);

describe('PHI detector on MedQuAD passages never trained on (false identifiers per 10,000 words)', () => {
  it('has MedQuAD passages to measure', () => {
    expect(loadMedquadTest().length).toBeGreaterThan(400);
  });

  it('balanced: ≤ 2 (the goal)', () => {
    expect(rate.balanced).toBeLessThanOrEqual(2);
  });

  it('strict: ≤ 7 (bound from the measured 6.82 on this fifth; the goal ≤ 5 is not met)', () => {
    expect(rate.strict).toBeLessThanOrEqual(7);
  });
});
