/**
 * Evaluation that cannot flatter: 5-fold cross-validation (folds fixed by a seed, by patient or
 * template group, stratified by source) and leave-one-source-out. Everything trained — the
 * tagger's weights — is fit on the training part only (plus the synthetic notes and the committed
 * MedQuAD fifth, which contain no evaluation document) and scored on the held part. Thresholds
 * are chosen inside each training part (train/thresholds.ts); word lists are external (resources/).
 */
import { decide } from '../src/detect.js';
import { predict, type TaggerModel } from '../src/tagger/model.js';
import type { PhiMode, PhiSpan } from '../src/types.js';
import { DEV_SETS, foldsOf, type DevSetName, type Doc } from '../train/corpus.js';
import { toExample, type Example } from '../train/examples.js';
import type { TrainOptions } from '../train/logreg.js';
import { trainWithSelection, type Selection } from '../train/thresholds.js';
import { score, type Scores } from './score.js';

export const FOLDS = 5;
export const FOLD_SEED = 16;
export const MODES: readonly PhiMode[] = ['strict', 'balanced'];

export type Predictions = Map<string, PhiSpan[]>;

export interface Corpus {
  readonly sets: Readonly<Record<DevSetName, readonly Example[]>>;
  /** Always in training: synthetic notes and MedQuAD negatives. */
  readonly background: readonly Example[];
}

export function buildCorpus(
  sets: Readonly<Record<DevSetName, readonly Doc[]>>,
  background: readonly Doc[],
): Corpus {
  return {
    sets: {
      'clinical-queries': sets['clinical-queries'].map(toExample),
      'physionet-nursing': sets['physionet-nursing'].map(toExample),
      'presidio-pii': sets['presidio-pii'].map(toExample),
    },
    background: background.map(toExample),
  };
}

/** Predictions of `model` for each example, in every mode. */
export function predictAll(
  model: TaggerModel,
  examples: readonly Example[],
  into: Record<PhiMode, Predictions>,
): void {
  for (const e of examples) {
    const probs = predict(model, e.analysis.features);
    for (const mode of MODES) into[mode].set(e.doc.id, decide(e.analysis, mode, model, probs));
  }
}

const emptyPredictions = (): Record<PhiMode, Predictions> => ({
  strict: new Map(),
  balanced: new Map(),
});

export type SetScoresByMode = Record<DevSetName, Record<PhiMode, Scores>>;

function scoreSets(
  corpus: Corpus,
  preds: Record<PhiMode, Predictions>,
  only?: DevSetName,
): Partial<SetScoresByMode> {
  const out: Partial<SetScoresByMode> = {};
  for (const name of DEV_SETS) {
    if (only && name !== only) continue;
    const docs = corpus.sets[name].map((e) => e.doc);
    out[name] = { strict: score(docs, preds.strict), balanced: score(docs, preds.balanced) };
  }
  return out;
}

/** k-fold cross-validation; each fold stratified by source. */
export function crossValidate(
  corpus: Corpus,
  options: Partial<TrainOptions> = {},
  k = FOLDS,
  seed = FOLD_SEED,
): { scores: SetScoresByMode; selections: Selection[] } {
  const foldOf = new Map<string, number>();
  for (const name of DEV_SETS) {
    const folds = foldsOf(
      corpus.sets[name].map((e) => e.doc),
      k,
      seed,
    );
    folds.forEach((docs, i) => {
      for (const d of docs) foldOf.set(d.id, i);
    });
  }
  const all = DEV_SETS.flatMap((n) => corpus.sets[n]);
  const preds = emptyPredictions();
  const selections: Selection[] = [];
  for (let fold = 0; fold < k; fold++) {
    const trainOn = [...corpus.background, ...all.filter((e) => foldOf.get(e.doc.id) !== fold)];
    const model = trainWithSelection(trainOn, options);
    selections.push(model.selection);
    predictAll(
      model,
      all.filter((e) => foldOf.get(e.doc.id) === fold),
      preds,
    );
  }
  return { scores: scoreSets(corpus, preds) as SetScoresByMode, selections };
}

/** Fit on two sources (plus background), score on the third. */
export function leaveOneSourceOut(
  corpus: Corpus,
  options: Partial<TrainOptions> = {},
): { scores: SetScoresByMode; selections: Record<string, Selection> } {
  const out: Partial<SetScoresByMode> = {};
  const selections: Record<string, Selection> = {};
  for (const held of DEV_SETS) {
    const trainOn = [
      ...corpus.background,
      ...DEV_SETS.filter((n) => n !== held).flatMap((n) => corpus.sets[n]),
    ];
    const preds = emptyPredictions();
    const model = trainWithSelection(trainOn, options);
    selections[held] = model.selection;
    predictAll(model, corpus.sets[held], preds);
    Object.assign(out, scoreSets(corpus, preds, held));
  }
  return { scores: out as SetScoresByMode, selections };
}

/** A model scored on the data it was trained on: the dev figures (memory, not protection). */
export function scoreWith(model: TaggerModel, corpus: Corpus): SetScoresByMode {
  const preds = emptyPredictions();
  predictAll(
    model,
    DEV_SETS.flatMap((n) => corpus.sets[n]),
    preds,
  );
  return scoreSets(corpus, preds) as SetScoresByMode;
}
