import path from 'node:path';
import { DOCUMENT_TYPES } from '../../../shared/knowledge.js';
import { IngestSkip } from '../../store/errors.js';
import { parseDocx } from './docx.js';
import { htmlToDocument } from './html.js';
import { parsePdf } from './pdf.js';
import { decodeText, parseMarkdown, parsePlainText } from './text.js';
import type { DocumentKind, ParsedDocument, ParseLimits } from './types.js';

export type { DocumentKind, Heading, ParsedDocument, ParseLimits } from './types.js';

const BY_EXTENSION: Readonly<Record<string, DocumentKind>> = Object.fromEntries(
  DOCUMENT_TYPES.flatMap((t) => t.extensions.map((e) => [`.${e}`, t.kind])),
);

export function kindOf(file: string): DocumentKind | undefined {
  return BY_EXTENSION[path.extname(file).toLowerCase()];
}

export function supportedExtensions(): string[] {
  return Object.keys(BY_EXTENSION);
}

export async function parseDocument(
  file: string,
  bytes: Uint8Array,
  limits: ParseLimits,
): Promise<ParsedDocument> {
  const kind = kindOf(file);
  if (!kind)
    throw new IngestSkip('INGEST_UNSUPPORTED', `unsupported file type ${path.extname(file)}`);
  if (bytes.length === 0) throw new IngestSkip('INGEST_EMPTY', 'empty file (0 bytes)');
  let doc: ParsedDocument;
  switch (kind) {
    case 'pdf':
      doc = await parsePdf(bytes, limits);
      break;
    case 'docx':
      doc = await parseDocx(bytes);
      break;
    case 'html':
      doc = htmlToDocument(decodeText(bytes), 'html');
      break;
    case 'markdown':
      doc = parseMarkdown(bytes);
      break;
    case 'text':
      doc = parsePlainText(bytes);
      break;
  }
  if (doc.text.trim().length === 0) throw new IngestSkip('INGEST_NO_TEXT', 'no text in the file');
  return doc;
}
