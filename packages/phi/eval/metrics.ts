/** Span metrics: overlap and exact matching, per type and overall. Pure functions. */
import type { PhiSpan } from '@voiceassist/phi';
import type { DevDoc, GoldSpan } from './dev-data.js';

export interface Prf {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

/** `tp`/`fn` count gold spans; `ptp`/`fp` count predictions (several golds may share one). */
export function prf(tp: number, fp: number, fn: number, ptp = tp): Prf {
  const precision = ptp + fp === 0 ? 1 : ptp / (ptp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { tp, fp, fn, precision, recall, f1 };
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }): boolean =>
  a.start < b.end && b.start < a.end;

export interface Leak {
  id: string;
  label: string;
  start: number;
  end: number;
  text: string;
  context: string;
}

export interface FalsePositive {
  id: string;
  type: string;
  text: string;
  context: string;
}

interface Tally {
  /** Gold spans found (recall numerator). */
  tp: number;
  /** Predictions that match no in-scope gold span. */
  fp: number;
  fn: number;
  /** Predictions that match an in-scope gold span (precision numerator). */
  ptp: number;
}

export interface SetScores {
  docs: number;
  goldInScope: number;
  goldOutOfScope: number;
  predictions: number;
  overlap: { overall: Prf; byType: Record<string, Prf> };
  exact: { overall: Prf; byType: Record<string, Prf> };
  /** Fraction of in-scope gold characters covered by some prediction. */
  charRecall: number;
  /** Recall counting every gold label, Safe Harbor or not. */
  recallAllLabels: number;
  recallByLabel: Record<string, { gold: number; found: number; recall: number }>;
  leaks: Leak[];
  falsePositives: FalsePositive[];
  phiFreeDocs: {
    docs: number;
    docsWithAnyPrediction: number;
    predictions: number;
    byType: Record<string, number>;
  };
}

const ctx = (text: string, s: number, e: number): string =>
  `${text.slice(Math.max(0, s - 40), s)}⟦${text.slice(s, e)}⟧${text.slice(e, e + 40)}`;

export function scoreSet(
  docs: readonly DevDoc[],
  predict: (text: string) => readonly PhiSpan[],
): SetScores {
  const ov = new Map<string, Tally>();
  const ex = new Map<string, Tally>();
  const tally = (m: Map<string, Tally>, k: string): Tally => {
    let t = m.get(k);
    if (!t) m.set(k, (t = { tp: 0, fp: 0, fn: 0, ptp: 0 }));
    return t;
  };
  const byLabel: Record<string, { gold: number; found: number; recall: number }> = {};
  const leaks: Leak[] = [];
  const falsePositives: FalsePositive[] = [];
  let goldIn = 0;
  let goldOut = 0;
  let predictions = 0;
  let goldChars = 0;
  let coveredChars = 0;
  let allGold = 0;
  let allFound = 0;
  const phiFree = {
    docs: 0,
    docsWithAnyPrediction: 0,
    predictions: 0,
    byType: {} as Record<string, number>,
  };
  for (const doc of docs) {
    const pred = predict(doc.text);
    predictions += pred.length;
    const inScope = doc.spans.filter(
      (g): g is GoldSpan & { type: NonNullable<GoldSpan['type']> } => g.type !== null,
    );
    const outScope = doc.spans.filter((g) => g.type === null);
    goldIn += inScope.length;
    goldOut += outScope.length;
    if (doc.spans.length === 0) {
      phiFree.docs++;
      if (pred.length > 0) phiFree.docsWithAnyPrediction++;
      phiFree.predictions += pred.length;
      for (const p of pred) phiFree.byType[p.type] = (phiFree.byType[p.type] ?? 0) + 1;
    }
    for (const g of doc.spans) {
      const found = pred.some((p) => overlaps(p, g));
      allGold++;
      if (found) allFound++;
      const l = (byLabel[g.label] ??= { gold: 0, found: 0, recall: 0 });
      l.gold++;
      if (found) l.found++;
    }
    for (const g of inScope) {
      const hit = pred.some((p) => overlaps(p, g));
      const all = tally(ov, '*');
      const t = tally(ov, g.type);
      if (hit) {
        t.tp++;
        all.tp++;
      } else {
        t.fn++;
        all.fn++;
        leaks.push({
          id: doc.id,
          label: g.label,
          start: g.start,
          end: g.end,
          text: doc.text.slice(g.start, g.end),
          context: ctx(doc.text, g.start, g.end),
        });
      }
      const exactHit = pred.some((p) => p.start === g.start && p.end === g.end);
      const et = tally(ex, g.type);
      const eall = tally(ex, '*');
      if (exactHit) {
        et.tp++;
        eall.tp++;
      } else {
        et.fn++;
        eall.fn++;
      }
      goldChars += g.end - g.start;
      for (let c = g.start; c < g.end; c++)
        if (pred.some((p) => p.start <= c && c < p.end)) coveredChars++;
    }
    for (const p of pred) {
      const hitIn = inScope.some((g) => overlaps(p, g));
      const hitOut = outScope.some((g) => overlaps(p, g));
      if (!hitIn && hitOut) continue; // redacting an out-of-scope label is neither right nor wrong here
      if (hitIn) {
        tally(ov, p.type).ptp++;
        tally(ov, '*').ptp++;
      } else {
        tally(ov, p.type).fp++;
        tally(ov, '*').fp++;
        falsePositives.push({
          id: doc.id,
          type: p.type,
          text: doc.text.slice(p.start, p.end),
          context: ctx(doc.text, p.start, p.end),
        });
      }
      if (inScope.some((g) => g.start === p.start && g.end === p.end)) {
        tally(ex, p.type).ptp++;
        tally(ex, '*').ptp++;
      } else {
        tally(ex, p.type).fp++;
        tally(ex, '*').fp++;
      }
    }
  }
  for (const l of Object.values(byLabel)) l.recall = l.gold === 0 ? 1 : l.found / l.gold;
  const finish = (m: Map<string, Tally>): { overall: Prf; byType: Record<string, Prf> } => {
    const byType: Record<string, Prf> = {};
    for (const [k, t] of m) if (k !== '*') byType[k] = prf(t.tp, t.fp, t.fn, t.ptp);
    const a = m.get('*') ?? { tp: 0, fp: 0, fn: 0, ptp: 0 };
    return { overall: prf(a.tp, a.fp, a.fn, a.ptp), byType };
  };
  return {
    docs: docs.length,
    goldInScope: goldIn,
    goldOutOfScope: goldOut,
    predictions,
    overlap: finish(ov),
    exact: finish(ex),
    charRecall: goldChars === 0 ? 1 : coveredChars / goldChars,
    recallAllLabels: allGold === 0 ? 1 : allFound / allGold,
    recallByLabel: byLabel,
    leaks,
    falsePositives,
    phiFreeDocs: phiFree,
  };
}
