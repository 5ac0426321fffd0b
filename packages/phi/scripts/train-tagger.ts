/**
 * Trains the shipped tagger weights (resources/tagger.json) from the committed fixtures only:
 * the three dev sets, the MedQuAD fifth (negatives) and synthetic notes. Deterministic:
 *
 *   npx tsx packages/phi/scripts/train-tagger.ts
 *
 * The figures that describe these weights come from `npm run eval:phi` (cross-validation and
 * leave-one-source-out retrain the same recipe without the held data).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { serializeModel } from '../src/tagger/model.js';
import { DEV_SETS, PACKAGE_ROOT, loadDevSets, loadMedquadTraining } from '../train/corpus.js';
import { toExample } from '../train/examples.js';
import { TRAIN_DEFAULTS } from '../train/logreg.js';
import { trainWithSelection } from '../train/thresholds.js';
import { SYNTHETIC_DOCS, SYNTHETIC_SEED, synthesize } from '../train/synth.js';

export const MODEL_VERSION = '2026.12.1';
const OUT = path.join(PACKAGE_ROOT, 'resources', 'tagger.json');

const t0 = performance.now();
const sets = loadDevSets();
const medquad = loadMedquadTraining();
const synthetic = synthesize(SYNTHETIC_DOCS, SYNTHETIC_SEED);
const docs = [...DEV_SETS.flatMap((n) => sets[n]), ...medquad, ...synthetic];
const examples = docs.map(toExample);
const model = trainWithSelection(examples, TRAIN_DEFAULTS, MODEL_VERSION);
const card = {
  model: 'multinomial logistic regression over hashed token features (src/tagger/features.ts)',
  version: MODEL_VERSION,
  classes: 'O, NAME, LOC (location, address, postcode, facility), DATE (dates, ages > 89), ID',
  thresholds: model.thresholds,
  thresholdSelection: 'train/thresholds.ts: out-of-half predictions on the training data',
  training: { ...TRAIN_DEFAULTS },
  data: {
    ...Object.fromEntries(DEV_SETS.map((n) => [n, sets[n].length])),
    'medquad-train': medquad.length,
    synthetic: synthetic.length,
    syntheticSeed: SYNTHETIC_SEED,
  },
  licence:
    'Weights derived from GPL-2.0 (PhysioNet deid), MIT (clinical queries, presidio-research, faker) and CC BY 4.0 (MedQuAD) data; see the package README model card.',
};
writeFileSync(OUT, `${JSON.stringify(serializeModel(model, card))}\n`);
console.log(
  `trained on ${examples.length} documents in ${((performance.now() - t0) / 1000).toFixed(1)} s; wrote ${path.relative(process.cwd(), OUT)}`,
);
