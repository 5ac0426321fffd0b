/**
 * The scorer (issue 16): a gold span is caught when at least half of its non-space characters are
 * covered by predictions (of any type); precision is by character — the share of predicted
 * non-space characters that fall inside an in-scope gold span. Characters inside gold spans that
 * Safe Harbor does not require removing (years alone, organisations, ages under 90) count neither
 * way. Pure functions.
 */
import type { PhiSpan } from '../src/types.js';
import type { Doc } from '../train/corpus.js';

export interface Leak {
  readonly id: string;
  readonly label: string;
  readonly text: string;
  readonly context: string;
  readonly covered: number;
}

export interface FalsePositive {
  readonly id: string;
  readonly type: string;
  readonly text: string;
  readonly context: string;
}

export interface Figures {
  readonly recall: number;
  readonly precision: number;
  readonly gold: number;
  readonly caught: number;
  readonly predictedChars: number;
  readonly truePredictedChars: number;
}

export interface Scores extends Figures {
  readonly docs: number;
  readonly goldOutOfScope: number;
  /** Recall by gold type, precision by predicted type. */
  readonly byType: Record<string, Figures>;
  readonly leaks: readonly Leak[];
  readonly falsePositives: readonly FalsePositive[];
  /** Documents without any gold span that got a prediction. */
  readonly phiFreeDocs: { readonly docs: number; readonly withPrediction: number };
}

const ctx = (text: string, s: number, e: number): string =>
  `${text.slice(Math.max(0, s - 40), s)}⟦${text.slice(s, e)}⟧${text.slice(e, e + 40)}`;

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13) || c === 160;

interface Tally {
  gold: number;
  caught: number;
  predictedChars: number;
  truePredictedChars: number;
}

const newTally = (): Tally => ({ gold: 0, caught: 0, predictedChars: 0, truePredictedChars: 0 });

function figures(t: Tally): Figures {
  return {
    recall: t.gold === 0 ? 1 : t.caught / t.gold,
    precision: t.predictedChars === 0 ? 1 : t.truePredictedChars / t.predictedChars,
    ...t,
  };
}

export function score(
  docs: readonly Doc[],
  predictions: ReadonlyMap<string, readonly PhiSpan[]>,
): Scores {
  const all = newTally();
  const byType = new Map<string, Tally>();
  const tally = (k: string): Tally => {
    let t = byType.get(k);
    if (!t) byType.set(k, (t = newTally()));
    return t;
  };
  const leaks: Leak[] = [];
  const falsePositives: FalsePositive[] = [];
  let goldOut = 0;
  let phiFree = 0;
  let phiFreeHit = 0;
  for (const doc of docs) {
    const pred = predictions.get(doc.id) ?? [];
    const text = doc.text;
    // Per character: 1 predicted, 2 in-scope gold, 4 out-of-scope gold.
    const mark = new Uint8Array(text.length);
    for (const p of pred) for (let c = p.start; c < p.end; c++) mark[c] = (mark[c] ?? 0) | 1;
    for (const g of doc.spans) {
      const bit = g.type === null ? 4 : 2;
      for (let c = g.start; c < g.end; c++) mark[c] = (mark[c] ?? 0) | bit;
    }
    if (doc.spans.length === 0) {
      phiFree++;
      if (pred.length > 0) phiFreeHit++;
    }
    for (const g of doc.spans) {
      if (g.type === null) {
        goldOut++;
        continue;
      }
      let chars = 0;
      let covered = 0;
      for (let c = g.start; c < g.end; c++) {
        if (isSpace(text.charCodeAt(c))) continue;
        chars++;
        if (((mark[c] ?? 0) & 1) !== 0) covered++;
      }
      const hit = chars === 0 || covered * 2 >= chars;
      for (const t of [all, tally(g.type)]) {
        t.gold++;
        if (hit) t.caught++;
      }
      if (!hit)
        leaks.push({
          id: doc.id,
          label: g.label,
          text: text.slice(g.start, g.end),
          context: ctx(text, g.start, g.end),
          covered: chars === 0 ? 1 : covered / chars,
        });
    }
    for (const p of pred) {
      let chars = 0;
      let truth = 0;
      for (let c = p.start; c < p.end; c++) {
        if (isSpace(text.charCodeAt(c))) continue;
        const m = mark[c] ?? 0;
        if ((m & 2) !== 0) truth++;
        else if ((m & 4) !== 0) continue; // out of scope: neither right nor wrong
        chars++;
      }
      for (const t of [all, tally(p.type)]) {
        t.predictedChars += chars;
        t.truePredictedChars += truth;
      }
      if (truth === 0 && chars > 0)
        falsePositives.push({
          id: doc.id,
          type: p.type,
          text: text.slice(p.start, p.end),
          context: ctx(text, p.start, p.end),
        });
    }
  }
  return {
    docs: docs.length,
    goldOutOfScope: goldOut,
    ...figures(all),
    byType: Object.fromEntries([...byType].map(([k, t]) => [k, figures(t)])),
    leaks,
    falsePositives,
    phiFreeDocs: { docs: phiFree, withPrediction: phiFreeHit },
  };
}

/** False identifiers per 10,000 words on text without any identifier (MedQuAD). */
export function falseIdsPer10kWords(
  docs: readonly Doc[],
  predictions: ReadonlyMap<string, readonly PhiSpan[]>,
): { words: number; spans: number; per10k: number; byType: Record<string, number> } {
  let words = 0;
  let spans = 0;
  const byType: Record<string, number> = {};
  for (const d of docs) {
    words += d.text.split(/\s+/).filter((w) => w !== '').length;
    for (const p of predictions.get(d.id) ?? []) {
      spans++;
      byType[p.type] = (byType[p.type] ?? 0) + 1;
    }
  }
  return { words, spans, per10k: words === 0 ? 0 : (spans / words) * 1e4, byType };
}
