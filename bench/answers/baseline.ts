/**
 * The extractive selector as it was before this bench (`extractive@1`, commit 2a392ce), kept
 * verbatim (minus the unused embedder option) so every run measures the new selector against it
 * on the same retrieval. Not product code.
 */
import type { AnswerSentence } from '../../apps/desktop/src/sidecar/knowledge/answer-types.js';
import { sentenceSpans } from '../../apps/desktop/src/sidecar/knowledge/chunk.js';
import type { SearchHit } from '../../apps/desktop/src/sidecar/knowledge/search.js';
import { contentTerms } from '../../apps/desktop/src/sidecar/knowledge/terms.js';

interface Candidate {
  passageRank: number;
  hit: SearchHit;
  start: number;
  end: number;
  text: string;
  terms: Set<string>;
  score: number;
}

const MAX_SENTENCES = 3;
const MIN_SENTENCE_CHARS = 25;
const LONG_SENTENCE_CHARS = 250;

function jaccard(a: Set<string>, b: Set<string>): number {
  let inter = 0;
  for (const t of a) if (b.has(t)) inter++;
  return inter === 0 ? 0 : inter / (a.size + b.size - inter);
}

export function baselineAnswer(question: string, passages: readonly SearchHit[]): AnswerSentence[] {
  const qTerms = new Set(contentTerms(question));
  const candidates: Candidate[] = [];
  passages.slice(0, 5).forEach((hit, passageRank) => {
    for (const s of sentenceSpans(hit.text)) {
      const text = hit.text.slice(s.start, s.end);
      if (text.length < MIN_SENTENCE_CHARS || /^\s*#/.test(text)) continue;
      candidates.push({
        passageRank,
        hit,
        start: hit.start + s.start,
        end: hit.start + s.end,
        text,
        terms: new Set(contentTerms(text)),
        score: 0,
      });
    }
  });
  if (candidates.length === 0 || qTerms.size === 0) return [];
  const idf = new Map<string, number>();
  for (const t of qTerms) {
    const df = candidates.filter((c) => c.terms.has(t)).length;
    idf.set(t, Math.log(1 + candidates.length / (1 + df)));
  }
  const totalIdf = [...idf.values()].reduce((a, b) => a + b, 0) || 1;
  for (const c of candidates) {
    let covered = 0;
    for (const t of qTerms) if (c.terms.has(t)) covered += idf.get(t) ?? 0;
    const lengthFactor = Math.sqrt(Math.min(1, LONG_SENTENCE_CHARS / c.text.length));
    c.score = (covered / totalIdf) * lengthFactor + 0.3 / (1 + c.passageRank);
  }
  const ranked = [...candidates].filter((c) => [...qTerms].some((t) => c.terms.has(t)));
  ranked.sort((a, b) => b.score - a.score);
  const best = ranked[0];
  if (!best) return [];
  const chosen: Candidate[] = [];
  for (const c of ranked) {
    if (chosen.length >= MAX_SENTENCES || c.score < 0.6 * best.score) break;
    if (chosen.some((x) => jaccard(x.terms, c.terms) > 0.7 || x.text === c.text)) continue;
    chosen.push(c);
  }
  chosen.sort((a, b) => a.passageRank - b.passageRank || a.start - b.start);
  return chosen.map((c) => ({
    text: c.text,
    citations: [
      {
        chunkId: c.hit.chunkId,
        documentId: c.hit.documentId,
        sourcePath: c.hit.sourcePath,
        title: c.hit.title,
        start: c.start,
        end: c.end,
        page: c.hit.page,
      },
    ],
  }));
}
