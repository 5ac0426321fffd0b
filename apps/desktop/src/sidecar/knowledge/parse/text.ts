import { IngestSkip } from '../../store/errors.js';
import type { Heading, ParsedDocument } from './types.js';

const SNIFF_BYTES = 8192;

/**
 * Decodes UTF-8 text, refusing binary content whatever the file is called: a NUL byte, invalid
 * UTF-8, or mostly control characters in the first 8 KiB.
 */
export function decodeText(bytes: Uint8Array): string {
  const head = bytes.subarray(0, SNIFF_BYTES);
  if (head.includes(0)) throw new IngestSkip('INGEST_BINARY', 'binary content (NUL bytes)');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new IngestSkip('INGEST_BINARY', 'not valid UTF-8 text (binary content?)');
  }
  let control = 0;
  const sample = text.slice(0, SNIFF_BYTES);
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) control++;
  }
  if (sample.length > 0 && control / sample.length > 0.1)
    throw new IngestSkip('INGEST_BINARY', 'mostly control characters (binary content?)');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // BOM
}

export function parsePlainText(bytes: Uint8Array): ParsedDocument {
  const text = decodeText(bytes);
  return { kind: 'text', title: undefined, text, headings: [] };
}

const ATX_HEADING = /^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$/gm;

/** Markdown stays as written (citations point into the file); ATX headings are detected. */
export function parseMarkdown(bytes: Uint8Array): ParsedDocument {
  const text = decodeText(bytes);
  const headings: Heading[] = [];
  let inFence = false;
  let lineStart = 0;
  for (const line of text.split('\n')) {
    if (/^ {0,3}(```|~~~)/.test(line)) inFence = !inFence;
    else if (!inFence) {
      ATX_HEADING.lastIndex = 0;
      const m = ATX_HEADING.exec(line);
      if (m?.[1] && m[2])
        headings.push({ offset: lineStart, level: m[1].length, text: m[2].trim() });
    }
    lineStart += line.length + 1;
  }
  const title = headings.find((h) => h.level === 1)?.text ?? headings[0]?.text;
  return { kind: 'markdown', title, text, headings };
}
