/**
 * Tuning on the `tune` split only: a coordinate search over the selector weights (objective: mean
 * of quotesGold + ROUGE-L recall), and a logistic regression of quotesGold on the answer features
 * for the confidence model. The results are printed for copying into answer-select.ts.
 */
import type {
  AnswerFeatures,
  SelectorWeights,
} from '../../apps/desktop/src/sidecar/knowledge/answer-select.js';
import { WEIGHTS } from '../../apps/desktop/src/sidecar/knowledge/answer-select.js';

interface Outcome {
  quotesGold: boolean;
  rougeL: number | null;
}

const STEPS = [0, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 1.0, 1.3];

export function fitWeights(
  _rows: readonly unknown[],
  evaluate: (w: SelectorWeights) => readonly Outcome[],
): SelectorWeights {
  const objective = (w: SelectorWeights): number => {
    const r = evaluate(w);
    const n = Math.max(1, r.length);
    return r.reduce((a, o) => a + (o.quotesGold ? 1 : 0) + (o.rougeL ?? 0), 0) / n;
  };
  let best: SelectorWeights = { ...WEIGHTS };
  let bestScore = objective(best);
  for (let round = 0; round < 3; round++) {
    let improved = false;
    for (const key of Object.keys(WEIGHTS) as (keyof SelectorWeights)[]) {
      for (const v of STEPS) {
        if (v === best[key]) continue;
        const w = { ...best, [key]: v };
        const s = objective(w);
        if (s > bestScore + 1e-9) {
          best = w;
          bestScore = s;
          improved = true;
        }
      }
    }
    process.stderr.write(
      `[answers bench] weight search round ${round + 1}: objective ${bestScore.toFixed(4)}\n`,
    );
    if (!improved) break;
  }
  return best;
}

/** L2-regularised logistic regression by gradient descent; returns bias and per-feature weights. */
export function fitConfidence(
  rows: readonly { features: AnswerFeatures | undefined; good: boolean }[],
): { bias: number; weights: Record<string, number> } {
  const data = rows.filter((r): r is { features: AnswerFeatures; good: boolean } => !!r.features);
  const keys = Object.keys(data[0]?.features ?? {}) as (keyof AnswerFeatures)[];
  let bias = 0;
  const w = new Map<keyof AnswerFeatures, number>(keys.map((k) => [k, 0]));
  const lr = 0.5;
  const l2 = 0.001;
  for (let iter = 0; iter < 4000; iter++) {
    let gb = 0;
    const g = new Map<keyof AnswerFeatures, number>(keys.map((k) => [k, 0]));
    for (const { features, good } of data) {
      let z = bias;
      for (const k of keys) z += (w.get(k) ?? 0) * features[k];
      const err = 1 / (1 + Math.exp(-z)) - (good ? 1 : 0);
      gb += err;
      for (const k of keys) g.set(k, (g.get(k) ?? 0) + err * features[k]);
    }
    const n = Math.max(1, data.length);
    bias -= (lr * gb) / n;
    for (const k of keys)
      w.set(k, (w.get(k) ?? 0) - lr * ((g.get(k) ?? 0) / n + l2 * (w.get(k) ?? 0)));
  }
  const r = (x: number): number => Math.round(x * 100) / 100;
  return { bias: r(bias), weights: Object.fromEntries(keys.map((k) => [k, r(w.get(k) ?? 0)])) };
}
