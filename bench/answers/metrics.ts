/** Scores of one answer against its gold passage(s), and summaries over a set of answers. */
import { sentenceSpans } from '../../apps/desktop/src/sidecar/knowledge/chunk.js';
import { contentTerms, words } from '../../apps/desktop/src/sidecar/knowledge/terms.js';

/**
 * Sentences of the gold passage an answer should reproduce: its first three that answer, i.e. are
 * neither questions nor the non-answers the issue names (see quotesNonAnswer). Empty when the
 * passage has none (a list of links): such questions are left out of the ROUGE-L mean.
 */
export const GOLD_LEAD_SENTENCES = 3;
/** Key terms of a gold passage: its top terms by tf·idf over the corpus. */
export const KEY_TERMS = 8;

const tokens = (text: string): string[] => words(text).map((w) => w.word);

function lcs(a: readonly string[], b: readonly string[]): number {
  let prev = new Uint16Array(b.length + 1);
  let cur = new Uint16Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++)
      cur[j] =
        a[i - 1] === b[j - 1] ? (prev[j - 1] ?? 0) + 1 : Math.max(prev[j] ?? 0, cur[j - 1] ?? 0);
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] ?? 0;
}

/** ROUGE-L recall: longest common subsequence of words over the reference's length. */
export function rougeLRecall(answer: string, reference: string): number {
  const ref = tokens(reference).slice(0, 400);
  if (ref.length === 0) return 0;
  return lcs(tokens(answer).slice(0, 600), ref) / ref.length;
}

export function goldLead(text: string): string {
  const lead: string[] = [];
  for (const s of sentenceSpans(text)) {
    const sentence = text.slice(s.start, s.end);
    if (isNonAnswer(sentence)) continue;
    lead.push(sentence);
    if (lead.length === GOLD_LEAD_SENTENCES) break;
  }
  return lead.join(' ');
}

export class KeyTerms {
  private readonly df = new Map<string, number>();
  private readonly n: number;
  constructor(corpus: readonly string[]) {
    this.n = corpus.length;
    for (const text of corpus)
      for (const t of new Set(contentTerms(text))) this.df.set(t, (this.df.get(t) ?? 0) + 1);
  }
  /** The passage's top terms by tf·idf, leaving out the question's own words. */
  of(text: string, question: string): string[] {
    const skip = new Set(contentTerms(question));
    const tf = new Map<string, number>();
    for (const t of contentTerms(text)) if (!skip.has(t)) tf.set(t, (tf.get(t) ?? 0) + 1);
    return [...tf]
      .map(([t, f]) => [t, f * Math.log(this.n / (1 + (this.df.get(t) ?? 0)))] as const)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, KEY_TERMS)
      .map(([t]) => t);
  }
}

export function keyTermShare(answer: string, keys: readonly string[]): number {
  if (keys.length === 0) return 0;
  const have = new Set(contentTerms(answer));
  return keys.filter((k) => have.has(k)).length / keys.length;
}

/**
 * The failures the issue quotes, detected independently of the product's own filter: a restated
 * question, or a sentence about the page rather than the subject.
 */
export function quotesNonAnswer(sentences: readonly string[]): boolean {
  return sentences.some(isNonAnswer);
}

function isNonAnswer(s: string): boolean {
  return (
    /\?\s*$/.test(s.trim()) ||
    /\b(table below|look up the definitions|these resources|see the table|for more information)\b/i.test(
      s,
    )
  );
}

export interface Calibration {
  /** Expected calibration error over 10 equal-width bins. */
  ece: number;
  brier: number;
  bins: { from: number; to: number; n: number; meanConfidence: number; accuracy: number }[];
}

export function calibration(points: readonly { p: number; y: boolean }[]): Calibration {
  const bins = Array.from({ length: 10 }, (_, i) => ({
    from: i / 10,
    to: (i + 1) / 10,
    n: 0,
    sumP: 0,
    hits: 0,
  }));
  let brier = 0;
  for (const { p, y } of points) {
    const b = bins[Math.min(9, Math.floor(p * 10))];
    if (b) {
      b.n++;
      b.sumP += p;
      b.hits += y ? 1 : 0;
    }
    brier += (p - (y ? 1 : 0)) ** 2;
  }
  const n = Math.max(1, points.length);
  let ece = 0;
  for (const b of bins) if (b.n > 0) ece += (b.n / n) * Math.abs(b.sumP / b.n - b.hits / b.n);
  const r = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    ece: r(ece),
    brier: r(brier / n),
    bins: bins
      .filter((b) => b.n > 0)
      .map((b) => ({
        from: b.from,
        to: b.to,
        n: b.n,
        meanConfidence: r(b.sumP / b.n),
        accuracy: r(b.hits / b.n),
      })),
  };
}
