import { citedNumbers, withoutCitations } from '@voiceassist/contract';
import type { SearchHit } from '../knowledge/search.js';
import type { CitationDto } from '../../shared/voice-turn.js';

export { SentenceSplitter } from '@voiceassist/contract';

export function citationOf(hit: SearchHit): CitationDto {
  return {
    chunkId: hit.chunkId,
    documentId: hit.documentId,
    sourcePath: hit.sourcePath,
    title: hit.title,
    start: hit.start,
    end: hit.end,
    page: hit.page,
  };
}

/**
 * An LLM sentence → its text without markers and the passages it cites (numbers outside the
 * passage list are ignored: a citation must point inside what retrieval returned).
 */
export function resolveCitations(
  sentence: string,
  passages: readonly SearchHit[],
): { text: string; citations: CitationDto[] } {
  const citations: CitationDto[] = [];
  for (const n of citedNumbers(sentence)) {
    const hit = passages[n - 1];
    if (hit) citations.push(citationOf(hit));
  }
  return { text: withoutCitations(sentence), citations };
}

export const SYSTEM_PROMPT = [
  'You are a clinical reference assistant answering a clinician by voice.',
  'Answer ONLY from the numbered passages. After every sentence put the number of the passage that supports it in square brackets, like [1].',
  'At most three short sentences of plain text, suitable for speaking aloud; no lists, no markdown.',
  'If the passages do not answer the question, say so in one sentence.',
  'Bracketed placeholders such as [PATIENT_1] or [DATE_1] stand for identifiers: keep them exactly as written.',
].join(' ');

const PASSAGE_CHARS = 1200;

export function userPrompt(question: string, passages: readonly SearchHit[]): string {
  const blocks = passages.map((p, i) => {
    const text = p.text.replace(/\s+/g, ' ').trim().slice(0, PASSAGE_CHARS);
    return `[${i + 1}] ${p.title}${p.heading ? ` — ${p.heading}` : ''}\n${text}`;
  });
  return `Passages:\n${blocks.join('\n\n')}\n\nQuestion: ${question}`;
}
