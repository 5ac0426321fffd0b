/**
 * The evaluation's goals asserted on the dev sets (../shared/data/phi). Gold labels outside HIPAA
 * Safe Harbor are not counted (dev-data.ts SCOPE_NOTES). Every set meets both goals; the tests
 * assert the goals themselves, so a regression below them fails CI.
 */
import { existsSync } from 'node:fs';
import { detectPhi } from '@voiceassist/phi';
import { beforeAll, describe, expect, it } from 'vitest';
import { PHI_DATA_DIR, loadDevSets } from './dev-data.js';
import { scoreSet, type SetScores } from './metrics.js';

const RECALL_GOAL = 0.98;
const PRECISION_GOAL = 0.85;

const scores = new Map<string, SetScores>();
const available = existsSync(PHI_DATA_DIR);

beforeAll(() => {
  if (!available) return;
  for (const set of loadDevSets())
    scores.set(
      set.name,
      scoreSet(set.docs, (t) => detectPhi(t)),
    );
}, 300_000);

const overall = (name: string): SetScores['overlap']['overall'] => {
  const s = scores.get(name);
  if (!s) throw new Error(`dev set ${name} not found in ${PHI_DATA_DIR}`);
  return s.overlap.overall;
};

describe.skipIf(!available)('PHI dev sets (skipped only when ../shared/data/phi is absent)', () => {
  it.each(['clinical-queries', 'physionet-nursing', 'presidio-pii'])(
    '%s: recall ≥ 0.98 and precision ≥ 0.85 (span overlap, Safe Harbor labels)',
    (name) => {
      const o = overall(name);
      expect(o.recall).toBeGreaterThanOrEqual(RECALL_GOAL);
      expect(o.precision).toBeGreaterThanOrEqual(PRECISION_GOAL);
    },
  );

  it('every dev set keeps PHI-free documents mostly untouched', () => {
    for (const [name, s] of scores) {
      const { docs, docsWithAnyPrediction } = s.phiFreeDocs;
      if (docs === 0) continue;
      expect(docsWithAnyPrediction / docs, name).toBeLessThanOrEqual(0.1);
    }
  });
});
