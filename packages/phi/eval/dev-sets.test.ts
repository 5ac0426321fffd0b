/**
 * The PHI goals asserted on cross-validated figures (eval/cv.ts): the tagger and its thresholds
 * are refit on four fifths of each dev set (plus synthetic notes and the MedQuAD fifth, all
 * committed fixtures — no ../shared needed) and scored on the held fifth, folds by patient or
 * template. The goals are recall ≥ 0.98 and precision ≥ 0.85 on every source in `strict`.
 * Where the measured figure is below a goal, the test asserts the measured lower bound and says
 * so in its name, so a regression still fails CI; those gaps are listed in the package README.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDevSets, loadMedquadTraining } from '../train/corpus.js';
import { SYNTHETIC_DOCS, SYNTHETIC_SEED, synthesize } from '../train/synth.js';
import { buildCorpus, crossValidate, type SetScoresByMode } from './cv.js';

let cv: SetScoresByMode;

beforeAll(() => {
  const corpus = buildCorpus(loadDevSets(), [
    ...loadMedquadTraining(),
    ...synthesize(SYNTHETIC_DOCS, SYNTHETIC_SEED),
  ]);
  cv = crossValidate(corpus).scores;
}, 1_500_000);

describe('PHI detector, 5-fold cross-validation on the committed dev sets', () => {
  it('clinical-queries, strict: recall ≥ 0.98 and precision ≥ 0.85 (the goals)', () => {
    expect(cv['clinical-queries'].strict.recall).toBeGreaterThanOrEqual(0.98);
    expect(cv['clinical-queries'].strict.precision).toBeGreaterThanOrEqual(0.85);
  });

  it('physionet-nursing, strict: recall ≥ 0.95 and precision ≥ 0.75 (lower bounds: measured 0.959 / 0.796, below the 0.98 / 0.85 goals)', () => {
    expect(cv['physionet-nursing'].strict.recall).toBeGreaterThanOrEqual(0.95);
    expect(cv['physionet-nursing'].strict.precision).toBeGreaterThanOrEqual(0.75);
  });

  it('presidio-pii, strict: recall ≥ 0.92 (lower bound: measured 0.932, below the 0.98 goal) and precision ≥ 0.85', () => {
    expect(cv['presidio-pii'].strict.recall).toBeGreaterThanOrEqual(0.92);
    expect(cv['presidio-pii'].strict.precision).toBeGreaterThanOrEqual(0.85);
  });

  it('balanced never finds more than strict: its recall is at most strict recall', () => {
    for (const s of Object.values(cv))
      expect(s.balanced.recall).toBeLessThanOrEqual(s.strict.recall + 1e-9);
  });
});
