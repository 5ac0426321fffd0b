/**
 * Multinomial logistic regression by stochastic gradient descent over hashed token features, in
 * TypeScript so the cross-validation (which retrains per fold) runs in CI in seconds. Deterministic
 * for a seed. Probabilities are calibrated enough that the modes' thresholds are probabilities.
 */
import { BUCKETS } from '../src/tagger/features.js';
import { NUM_CLASSES, softmaxInto, type TaggerModel } from '../src/tagger/model.js';
import { rng } from './corpus.js';
import type { Example } from './examples.js';

export interface TrainOptions {
  readonly epochs: number;
  readonly learningRate: number;
  /** L2 penalty, applied to the weights a token touches. */
  readonly l2: number;
  /** Weight of identifier tokens relative to others: recall first. */
  readonly positiveWeight: number;
  readonly seed: number;
  /** Weight of each document source's tokens (dev sets 1 unless listed). */
  readonly sourceWeights: Readonly<Record<string, number>>;
  /** Average the weights of the last epochs (from this one on, 0-based) instead of the last. */
  readonly averageFrom: number;
}

export const TRAIN_DEFAULTS: TrainOptions = {
  epochs: 8,
  learningRate: 0.1,
  l2: 1e-5,
  positiveWeight: 2,
  seed: 16,
  sourceWeights: {},
  averageFrom: 2,
};

/** Probability thresholds per mode (identifier probability = 1 − P(O)), fixed before training. */
export const THRESHOLDS = { strict: 0.2, balanced: 0.5 } as const;

export function trainWeights(
  examples: readonly Example[],
  options: Partial<TrainOptions> = {},
): Float32Array {
  const o = { ...TRAIN_DEFAULTS, ...options };
  const w = new Float32Array(BUCKETS * NUM_CLASSES);
  const rand = rng(o.seed);
  const order = examples.map((_, i) => i);
  const sum = new Float32Array(o.averageFrom < o.epochs ? w.length : 0);
  let averaged = 0;
  const s = new Float64Array(NUM_CLASSES);
  const p = new Float64Array(NUM_CLASSES);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
    }
    const lr = o.learningRate / (1 + epoch);
    const decay = 1 - lr * o.l2;
    for (const e of order) {
      const ex = examples[e];
      if (!ex) continue;
      const { offsets, ids } = ex.analysis.features;
      const labels = ex.labels;
      const docWeight = o.sourceWeights[ex.doc.source] ?? 1;
      for (let t = 0; t < labels.length; t++) {
        const y = labels[t] ?? -1;
        if (y < 0) continue;
        const from = offsets[t] ?? 0;
        const to = offsets[t + 1] ?? 0;
        s.fill(0);
        for (let k = from; k < to; k++) {
          const base = (ids[k] ?? 0) * NUM_CLASSES;
          for (let c = 0; c < NUM_CLASSES; c++) s[c] = (s[c] ?? 0) + (w[base + c] ?? 0);
        }
        softmaxInto(s, p, 0);
        const step = lr * docWeight * (y === 0 ? 1 : o.positiveWeight);
        for (let k = from; k < to; k++) {
          const base = (ids[k] ?? 0) * NUM_CLASSES;
          for (let c = 0; c < NUM_CLASSES; c++) {
            const g = (p[c] ?? 0) - (c === y ? 1 : 0);
            w[base + c] = (w[base + c] ?? 0) * decay - step * g;
          }
        }
      }
    }
    if (epoch >= o.averageFrom) {
      for (let i = 0; i < w.length; i++) sum[i] = (sum[i] ?? 0) + (w[i] ?? 0);
      averaged++;
    }
  }
  if (averaged === 0) return w;
  for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] ?? 0) / averaged;
  return sum;
}

export function train(
  examples: readonly Example[],
  options: Partial<TrainOptions> = {},
  version = 'cv',
): TaggerModel {
  return { weights: trainWeights(examples, options), thresholds: { ...THRESHOLDS }, version };
}
