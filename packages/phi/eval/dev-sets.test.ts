/**
 * The evaluation's goals asserted on the dev sets (../shared/data/phi). Gold labels outside HIPAA
 * Safe Harbor are not counted (dev-data.ts SCOPE_NOTES). Where a set misses a goal, the test name
 * says so and why, and asserts the measured level as a floor so regressions still fail.
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
  it('clinical-queries: recall ≥ 0.98 and precision ≥ 0.85 (span overlap)', () => {
    const o = overall('clinical-queries');
    expect(o.recall).toBeGreaterThanOrEqual(RECALL_GOAL);
    expect(o.precision).toBeGreaterThanOrEqual(PRECISION_GOAL);
  });

  it('presidio-pii: precision ≥ 0.85; recall goal 0.98 NOT reached (foreign towns with no context such as "Charleroi", one-word names opening a sentence such as "Trivo lives…") — floor 0.95', () => {
    const o = overall('presidio-pii');
    expect(o.precision).toBeGreaterThanOrEqual(PRECISION_GOAL);
    expect(o.recall).toBeGreaterThanOrEqual(0.95);
  });

  it('physionet-nursing: precision ≥ 0.85; recall goal 0.98 NOT reached (surrogate hospital names made of ordinary words in ALL-CAPS or lowercase notes such as "HOLY CROSS", "sacred heart", bare acronyms such as "GBMC") — floor 0.92', () => {
    const o = overall('physionet-nursing');
    expect(o.precision).toBeGreaterThanOrEqual(PRECISION_GOAL);
    expect(o.recall).toBeGreaterThanOrEqual(0.92);
  });

  it('every dev set keeps PHI-free documents mostly untouched', () => {
    for (const [name, s] of scores) {
      const { docs, docsWithAnyPrediction } = s.phiFreeDocs;
      if (docs === 0) continue;
      expect(docsWithAnyPrediction / docs, name).toBeLessThanOrEqual(0.1);
    }
  });
});
