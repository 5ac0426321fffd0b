/**
 * The modes' thresholds, chosen from training data only (so cross-validation scores them on data
 * they were not chosen on): the training documents are split in two by group, a model trained on
 * each half predicts the other, and on those out-of-half probabilities
 * - `strict` is the highest threshold at which every dev source keeps recall ≥ 0.98 (the goal) —
 *   or, where no threshold reaches it, recall within one point of the best any threshold reaches;
 * - `balanced` is the lowest threshold, not below strict, at which MedQuAD passages (medical
 *   prose, no patient identifiers) get ≤ 2 false identifiers per 10,000 words (the goal) — or,
 *   where none does, the lowest at which they get at most 10 % more than the fewest any gets.
 */
import { decide } from '../src/detect.js';
import { predict, type TaggerModel } from '../src/tagger/model.js';
import type { PhiMode, PhiSpan } from '../src/types.js';
import { falseIdsPer10kWords, score } from '../eval/score.js';
import { foldsOf } from './corpus.js';
import type { Example } from './examples.js';
import { train, type TrainOptions } from './logreg.js';

/**
 * Candidate thresholds. The floor, 0.2, is a product choice made before measuring: below it the
 * tagger redacts ordinary words beside identifiers ("Call", "saw"), which garbles what is sent.
 */
export const GRID = [0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] as const;
export const STRICT_RECALL_GOAL = 0.98;
export const BALANCED_FALSE_IDS_GOAL = 2;
const SELECTION_SEED = 7;

export interface Selection {
  readonly strict: number;
  readonly balanced: number;
}

/** Out-of-half probabilities for `examples`, from two models each trained on the other half. */
function outOfHalf(
  examples: readonly Example[],
  options: Partial<TrainOptions>,
): Map<Example, Float32Array> {
  const halves = foldsOf(
    examples.map((e) => e.doc),
    2,
    SELECTION_SEED,
  ).map((docs) => new Set(docs.map((d) => d.id)));
  const probs = new Map<Example, Float32Array>();
  for (const half of halves) {
    const model = train(
      examples.filter((e) => e.doc.source === 'synthetic' || !half.has(e.doc.id)),
      options,
    );
    for (const e of examples)
      if (e.doc.source !== 'synthetic' && half.has(e.doc.id))
        probs.set(e, predict(model, e.analysis.features));
  }
  return probs;
}

function predictionsAt(
  examples: readonly Example[],
  probs: Map<Example, Float32Array>,
  threshold: number,
  mode: PhiMode,
): Map<string, PhiSpan[]> {
  const model: TaggerModel = {
    weights: new Float32Array(0),
    thresholds: { strict: threshold, balanced: threshold },
    version: 'selection',
  };
  const out = new Map<string, PhiSpan[]>();
  for (const e of examples) {
    const p = probs.get(e);
    if (p) out.set(e.doc.id, decide(e.analysis, mode, model, p));
  }
  return out;
}

export function selectThresholds(
  examples: readonly Example[],
  options: Partial<TrainOptions> = {},
): Selection {
  const probs = outOfHalf(examples, options);
  const bySource = new Map<string, Example[]>();
  for (const e of examples) {
    if (e.doc.source === 'synthetic') continue;
    const list = bySource.get(e.doc.source) ?? [];
    list.push(e);
    bySource.set(e.doc.source, list);
  }
  const medquad = bySource.get('medquad') ?? [];
  bySource.delete('medquad');
  const recalls = GRID.map((t) => {
    let minRecall = 1;
    for (const list of bySource.values()) {
      const preds = predictionsAt(list, probs, t, 'strict');
      minRecall = Math.min(
        minRecall,
        score(
          list.map((e) => e.doc),
          preds,
        ).recall,
      );
    }
    return minRecall;
  });
  const recallTarget = Math.min(STRICT_RECALL_GOAL, Math.max(...recalls) - 0.01);
  let strict: number = GRID[0];
  GRID.forEach((t, i) => {
    if ((recalls[i] ?? 0) >= recallTarget) strict = t;
  });
  const rates = GRID.map((t) =>
    t < strict
      ? Infinity
      : falseIdsPer10kWords(
          medquad.map((e) => e.doc),
          predictionsAt(medquad, probs, t, 'balanced'),
        ).per10k,
  );
  const rateTarget = Math.max(BALANCED_FALSE_IDS_GOAL, Math.min(...rates) * 1.1);
  const balanced = GRID.find((_, i) => (rates[i] ?? Infinity) <= rateTarget) ?? strict;
  return { strict, balanced };
}

/** Trains on `examples` with thresholds selected from them. */
export function trainWithSelection(
  examples: readonly Example[],
  options: Partial<TrainOptions> = {},
  version = 'cv',
): TaggerModel & { readonly selection: Selection } {
  const selection = selectThresholds(examples, options);
  const model = train(examples, options, version);
  return { ...model, thresholds: selection, selection };
}
