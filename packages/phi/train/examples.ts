/**
 * Documents turned into training examples: the detector's own analysis (normalised text, tokens,
 * rule candidates, hashed features) plus a class label per token from the gold spans. The analysis
 * does not depend on any trained parameter, so it is computed once and reused by every fold.
 */
import { analyze, type Analysis } from '../src/detect.js';
import { TYPE_CLASS } from '../src/tagger/decode.js';
import type { Doc } from './corpus.js';

export interface Example {
  readonly doc: Doc;
  readonly analysis: Analysis;
  /** Per token: class index, or −1 for tokens not trained on (punctuation). */
  readonly labels: Int8Array;
}

export function toExample(doc: Doc): Example {
  const analysis = analyze(doc.text);
  const { tokens, norm } = analysis;
  const labels = new Int8Array(tokens.length);
  const golds = [...doc.spans].sort((a, b) => a.start - b.start);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t || t.kind === 'punct') {
      labels[i] = -1;
      continue;
    }
    const r = norm.toInput(t.start, t.end);
    let label = 0;
    for (const g of golds) {
      if (g.start >= r.end) break;
      if (g.end <= r.start) continue;
      // Outside Safe Harbor (a year alone, an organisation, an age under 90): not an identifier.
      if (g.type !== null) {
        label = TYPE_CLASS[g.type];
        break;
      }
    }
    labels[i] = label;
  }
  return { doc, analysis, labels };
}
