import type { ParsedDocument } from './parse/index.js';

export interface Chunk {
  readonly ord: number;
  /** Heading path at the chunk's start, e.g. `Dosing › Adults`; empty before the first heading. */
  readonly heading: string;
  /** Exactly `doc.text.slice(start, end)`, so citations can be checked against the source. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** 1-based page of `start` (PDF), else null. */
  readonly page: number | null;
}

export interface ChunkOptions {
  /** A chunk closes at the sentence that would take it past this many characters. */
  readonly targetChars: number;
  /** A single sentence longer than this is cut at whitespace. */
  readonly maxChars: number;
  /** A section shorter than this is merged with the next one rather than standing alone. */
  readonly minChars: number;
}

export const DEFAULT_CHUNKING: ChunkOptions = { targetChars: 900, maxChars: 1500, minChars: 200 };

interface Span {
  start: number;
  end: number;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/** Sentence spans of `text[from, to)`, whitespace trimmed; offsets are into `text`. */
export function sentenceSpans(text: string, from = 0, to = text.length): Span[] {
  const spans: Span[] = [];
  for (const seg of segmenter.segment(text.slice(from, to))) {
    let s = from + seg.index;
    let e = s + seg.segment.length;
    while (s < e && /\s/.test(text.charAt(s))) s++;
    while (e > s && /\s/.test(text.charAt(e - 1))) e--;
    if (e > s) spans.push({ start: s, end: e });
  }
  return spans;
}

function cutLong(text: string, span: Span, maxChars: number): Span[] {
  if (span.end - span.start <= maxChars) return [span];
  const out: Span[] = [];
  let s = span.start;
  while (span.end - s > maxChars) {
    let cut = text.lastIndexOf(' ', s + maxChars);
    if (cut <= s) cut = s + maxChars;
    out.push({ start: s, end: cut });
    s = cut;
    while (s < span.end && /\s/.test(text.charAt(s))) s++;
  }
  if (span.end > s) out.push({ start: s, end: span.end });
  return out;
}

export function pageAt(pageStarts: readonly number[] | undefined, offset: number): number | null {
  if (!pageStarts || pageStarts.length === 0) return null;
  let lo = 0;
  let hi = pageStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((pageStarts[mid] ?? Infinity) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/**
 * Splits a document into chunks that never cut a sentence and start afresh at each heading
 * (unless the section so far is too small to stand alone). Each chunk keeps its character offsets
 * into the source text and its page.
 */
export function chunkDocument(
  doc: ParsedDocument,
  options: ChunkOptions = DEFAULT_CHUNKING,
): Chunk[] {
  const { text } = doc;
  const headings = [...doc.headings].sort((a, b) => a.offset - b.offset);
  const bounds = [0, ...headings.map((h) => h.offset).filter((o) => o > 0), text.length];
  const chunks: Chunk[] = [];
  const stack: { level: number; text: string }[] = [];
  let hIdx = 0;
  let current: { start: number; end: number; heading: string } | undefined;

  const flush = (): void => {
    if (!current) return;
    chunks.push({
      ord: chunks.length,
      heading: current.heading,
      text: text.slice(current.start, current.end),
      start: current.start,
      end: current.end,
      page: pageAt(doc.pageStarts, current.start),
    });
    current = undefined;
  };

  for (let b = 0; b < bounds.length - 1; b++) {
    const from = bounds[b] ?? 0;
    const to = bounds[b + 1] ?? from;
    if (to <= from) continue;
    for (let h = headings[hIdx]; h && h.offset <= from; h = headings[++hIdx]) {
      while ((stack.at(-1)?.level ?? 0) >= h.level) stack.pop();
      stack.push({ level: h.level, text: h.text });
    }
    const headingPath = stack.map((h) => h.text).join(' › ');
    if (current && current.end - current.start >= options.minChars) flush();
    for (const sentence of sentenceSpans(text, from, to)) {
      for (const piece of cutLong(text, sentence, options.maxChars)) {
        if (current && piece.end - current.start > options.targetChars) flush();
        if (current) current.end = piece.end;
        else current = { start: piece.start, end: piece.end, heading: headingPath };
      }
    }
  }
  flush();
  return chunks;
}

/** What an embedder sees for a chunk: its document title and heading give it context. */
export function embeddingText(title: string, heading: string, text: string): string {
  const head = text.slice(0, 200);
  const parts: string[] = [];
  if (title && !head.includes(title)) parts.push(title);
  if (heading && heading !== title && !head.includes(heading)) parts.push(heading);
  parts.push(text);
  return parts.join('\n');
}
