import type { SearchHit } from '../knowledge/search.js';
import type { CitationDto } from '../../shared/voice-turn.js';

/** `[1]`, `[2, 3]`: the passage numbers an LLM sentence cites (our prompt asks for them). */
const MARKER = /\s*\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\]/g;
/**
 * A sentence ends at . ! ? (plus closing quotes/brackets and any citation markers), followed by
 * whitespace and the start of the next sentence — anything but another marker. Until that next
 * character arrives the sentence may still be followed by its markers, so it is held back.
 */
const BOUNDARY = /[.!?]["')\]]*(?:\s*\[\d{1,2}(?:\s*,\s*\d{1,2})*\])*(?=\s+(?:[^\s[]|\[[A-Z]))/g;
const CITED_END = /\[\d{1,2}(?:\s*,\s*\d{1,2})*\]\s*[.!?]["')]*$/;
const ABBREVIATION = /\b(?:e\.g|i\.e|etc|vs|Dr|Mr|Mrs|Ms|approx|No|Fig)\.$/i;

/** Splits a token stream into sentences as soon as each is complete. */
export class SentenceSplitter {
  private buffer = '';

  push(delta: string): string[] {
    this.buffer += delta;
    const out: string[] = [];
    let from = 0;
    BOUNDARY.lastIndex = 0;
    for (let m = BOUNDARY.exec(this.buffer); m; m = BOUNDARY.exec(this.buffer)) {
      const end = m.index + m[0].length;
      const candidate = this.buffer.slice(from, end);
      if (ABBREVIATION.test(this.buffer.slice(from, m.index + 1))) continue;
      if (candidate.trim() !== '') out.push(candidate.trim());
      from = end;
    }
    this.buffer = this.buffer.slice(from);
    // A sentence whose citation came before its full stop ("… pressures [1].") is complete as
    // soon as the stop arrives: no need to wait for the next token to see if markers follow.
    const rest = this.buffer.trim();
    if (CITED_END.test(rest) && !ABBREVIATION.test(rest)) {
      out.push(rest);
      this.buffer = '';
    }
    return out;
  }

  /** End of the stream: whatever is left is the last sentence. */
  flush(): string[] {
    const rest = this.buffer.trim();
    this.buffer = '';
    return rest === '' ? [] : [rest];
  }
}

/** The passage numbers a sentence cites, in order of first appearance, each once. */
export function citedNumbers(sentence: string): number[] {
  const seen = new Set<number>();
  for (const m of sentence.matchAll(MARKER))
    for (const n of (m[1] ?? '').split(',')) seen.add(Number(n.trim()));
  return [...seen];
}

/** A sentence's text without its citation markers, whitespace normalised. */
export function withoutCitations(sentence: string): string {
  return sentence
    .replace(MARKER, '')
    .replace(/\s+([.!?,;:])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

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
