import type { PhiSpan } from '@voiceassist/phi';
import type { TextPart } from '../egress/index.js';
import type { SearchHit } from '../knowledge/search.js';
import { scanSource } from '../knowledge/source-phi.js';
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
  // Written with "n", not a digit: an example that looks like a real placeholder is escaped by the
  // privacy filter (as any text imitating one is), and the model would be shown [TEXT_1] instead.
  'Bracketed placeholders such as [PATIENT_n] or [DATE_n] (n a number) stand for identifiers: keep them exactly as written.',
].join(' ');

const PASSAGE_CHARS = 1200;

/**
 * `text` with whitespace runs made one space and the ends trimmed, cut at `max` characters, and
 * `spans` (offsets into `text`) moved onto the result; a span cut by the end is kept up to it.
 */
export function squeeze(
  text: string,
  spans: readonly PhiSpan[],
  max: number,
): { text: string; spans: PhiSpan[] } {
  let out = '';
  // at[i]: where original offset i lands in `out`.
  const at = new Array<number>(text.length + 1);
  let pendingSpace = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (/\s/.test(ch)) {
      at[i] = out.length; // an end here stops after the word before
      if (out !== '') pendingSpace = true;
      continue;
    }
    if (pendingSpace) out += ' ';
    pendingSpace = false;
    at[i] = out.length;
    out += ch;
  }
  at[text.length] = out.length;
  const cut = out.slice(0, max);
  const moved: PhiSpan[] = [];
  for (const s of spans) {
    const start = Math.min(at[s.start] ?? cut.length, cut.length);
    const end = Math.min(at[s.end] ?? cut.length, cut.length);
    if (end > start) moved.push({ start, end, type: s.type });
  }
  return { text: cut, spans: moved };
}

/**
 * The user message: numbered passages, then the question, as parts for the egress guard (see
 * EgressGuard.prepareParts). Passage text carries the identifier spans stored with its chunk
 * (`spans`, by chunk id); a title and heading are source text too, scanned here in the same
 * sources mode; the question has none given, so the strict detector reads it.
 */
export function userPromptParts(
  question: string,
  passages: readonly SearchHit[],
  spans: ReadonlyMap<number, readonly PhiSpan[]>,
): TextPart[] {
  const parts: TextPart[] = [{ text: 'Passages:\n', sourceSpans: [] }];
  passages.forEach((p, i) => {
    const label = `${p.title}${p.heading ? ` — ${p.heading}` : ''}`;
    parts.push({ text: `${i === 0 ? '' : '\n\n'}[${i + 1}] `, sourceSpans: [] });
    parts.push({ text: label, sourceSpans: scanSource(label) });
    parts.push({ text: '\n', sourceSpans: [] });
    const body = squeeze(p.text, spans.get(p.chunkId) ?? scanSource(p.text), PASSAGE_CHARS);
    parts.push({ text: body.text, sourceSpans: body.spans });
  });
  parts.push({ text: '\n\nQuestion: ', sourceSpans: [] });
  parts.push({ text: question });
  return parts;
}

export function userPrompt(
  question: string,
  passages: readonly SearchHit[],
  spans: ReadonlyMap<number, readonly PhiSpan[]> = new Map(),
): string {
  return userPromptParts(question, passages, spans)
    .map((p) => p.text)
    .join('');
}
