import type { AnswerSentence } from './answer-types.js';
import { selectAnswer, type LocalAnswer } from './answer-select.js';
import type { SearchHit } from './search.js';
import { contentTerms } from './terms.js';

export type { AnswerSentence, Citation } from './answer-types.js';

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
  /** Which generator wrote the sentences (`extractive@2`, an LLM generator id, …). */
  readonly generator: string;
  readonly sources: readonly NearestSource[];
  /** How likely the sentences answer the question (0–1; calibrated for the local answer). */
  readonly confidence: number;
  /** Said with the answer, e.g. that the closest source is about another condition. */
  readonly notice?: string;
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

/**
 * The offline path (answer-select.ts): sentences, lists and tables of the top passages scored for
 * the question's type and topic; restated questions and boilerplate never quoted. generate()
 * returns sentences only when they address the question; `answer()` also says how confident it
 * is and when the closest source is about another condition.
 */
export class ExtractiveAnswerGenerator implements AnswerGenerator {
  readonly id = 'extractive@2';

  answer(input: AnswerInput): LocalAnswer {
    return selectAnswer(input.question, input.passages);
  }

  generate(input: AnswerInput): Promise<AnswerSentence[]> {
    const a = this.answer(input);
    return Promise.resolve(a.covered ? a.sentences : []);
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

/**
 * The passages an answer may draw on: the top five that share enough of the question's terms or
 * are close in embedding space, then further chunks of those same documents (a list often sits in
 * the chunk after the sentence that announces it).
 */
export function answerPassages(
  question: string,
  hits: readonly SearchHit[],
  limits: { MIN_TERM_COVERAGE: number; MIN_COSINE: number },
): SearchHit[] {
  const top = hits
    .slice(0, 5)
    .filter(
      (h) =>
        termCoverage(question, h) >= limits.MIN_TERM_COVERAGE ||
        (h.cosine ?? 0) >= limits.MIN_COSINE,
    );
  const documents = new Set(top.map((h) => h.documentId));
  return [...top, ...hits.slice(5).filter((h) => documents.has(h.documentId))];
}
