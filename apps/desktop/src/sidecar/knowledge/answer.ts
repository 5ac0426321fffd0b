import { dot } from '../store/vectors.js';
import { sentenceSpans } from './chunk.js';
import type { Embedder } from './embed/embedder.js';
import type { SearchHit } from './search.js';
import { contentTerms } from './terms.js';

/** A span of a document's source text that supports a sentence of an answer. */
export interface Citation {
  readonly chunkId: number;
  readonly documentId: number;
  readonly sourcePath: string;
  readonly title: string;
  /** Character offsets in the document's source text (the text `documents.text` holds). */
  readonly start: number;
  readonly end: number;
  readonly page: number | null;
}

export interface AnswerSentence {
  readonly text: string;
  readonly citations: readonly Citation[];
}

export interface NearestSource {
  readonly sourcePath: string;
  readonly title: string;
  readonly page: number | null;
  readonly score: number;
}

export interface Answer {
  readonly answer: string;
  readonly sentences: readonly AnswerSentence[];
  /** False when retrieval found nothing that supports an answer: `sources` lists the nearest. */
  readonly covered: boolean;
  /** Which generator wrote the sentences (`extractive@1`, an LLM generator id, …). */
  readonly generator: string;
  readonly sources: readonly NearestSource[];
}

export interface AnswerInput {
  readonly question: string;
  /** Retrieved passages, best first. Every citation must point inside one of them. */
  readonly passages: readonly SearchHit[];
  readonly signal?: AbortSignal;
}

/**
 * Writes an answer from retrieved passages. Two implementations sit behind it: the local
 * extractive one below (always available, offline) and an LLM one that the assistant supplies
 * when a gateway is configured. An LLM generator receives `passages` exactly as retrieval returned
 * them; the code that constructs it is responsible for passing question and passages through the
 * PHI egress guard before they leave the workstation, and must return sentences whose citations
 * lie inside those passages (`checkCitations` enforces it).
 */
export interface AnswerGenerator {
  readonly id: string;
  generate(input: AnswerInput): Promise<AnswerSentence[]>;
}

/** Drops citations that do not lie inside a retrieved passage; drops sentences left uncited. */
export function checkCitations(
  sentences: readonly AnswerSentence[],
  passages: readonly SearchHit[],
): AnswerSentence[] {
  const byChunk = new Map(passages.map((p) => [p.chunkId, p]));
  const out: AnswerSentence[] = [];
  for (const s of sentences) {
    const citations = s.citations.filter((c) => {
      const p = byChunk.get(c.chunkId);
      return p !== undefined && c.start >= p.start && c.end <= p.end && c.start < c.end;
    });
    if (citations.length > 0) out.push({ text: s.text, citations });
  }
  return out;
}

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

/**
 * The offline path: scores every sentence of the top passages by how much of the question it
 * covers (terms weighted by rarity among the candidates), the rank of its passage and, when an
 * embedder is given, its cosine to the question; keeps the best few that are not repeats, and
 * orders them as they appear in the sources. Each sentence is quoted verbatim and cites its span.
 */
export class ExtractiveAnswerGenerator implements AnswerGenerator {
  readonly id = 'extractive@1';
  constructor(private readonly options: { embedder?: Embedder; maxPassages?: number } = {}) {}

  async generate(input: AnswerInput): Promise<AnswerSentence[]> {
    const qTerms = new Set(contentTerms(input.question));
    const candidates: Candidate[] = [];
    input.passages.slice(0, this.options.maxPassages ?? 5).forEach((hit, passageRank) => {
      for (const s of sentenceSpans(hit.text)) {
        const text = hit.text.slice(s.start, s.end);
        if (text.length < MIN_SENTENCE_CHARS || /^\s*#/.test(text)) continue; // headings are not claims
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
    let cosines: number[] | undefined;
    if (this.options.embedder) {
      const [q, ...vs] = await this.options.embedder.embed(
        [input.question, ...candidates.map((c) => c.text)],
        input.signal,
      );
      cosines = q ? vs.map((v) => dot(q, v)) : undefined;
    }
    candidates.forEach((c, i) => {
      let covered = 0;
      for (const t of qTerms) if (c.terms.has(t)) covered += idf.get(t) ?? 0;
      // Long run-on sentences (lists) cover many words by sheer length: damp them.
      const lengthFactor = Math.sqrt(Math.min(1, LONG_SENTENCE_CHARS / c.text.length));
      c.score =
        (covered / totalIdf) * lengthFactor +
        0.3 / (1 + c.passageRank) +
        0.5 * Math.max(0, cosines?.[i] ?? 0);
    });
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
}

/** Share of the question's content terms found in a passage (title included). */
export function termCoverage(question: string, hit: SearchHit): number {
  const q = new Set(contentTerms(question));
  if (q.size === 0) return 0;
  const have = new Set(contentTerms(`${hit.title} ${hit.heading} ${hit.text}`));
  let n = 0;
  for (const t of q) if (have.has(t)) n++;
  return n / q.size;
}
