import type { DocumentKind } from '../../../shared/knowledge.js';

export type { DocumentKind };

export interface Heading {
  /** Character offset of the heading line in `ParsedDocument.text`. */
  readonly offset: number;
  readonly level: number;
  readonly text: string;
}

/**
 * A document reduced to the text citations point into. For Markdown and plain text that is the
 * file itself; for PDF, DOCX and HTML it is the extracted text, stored with the document so a
 * citation's (start, end) can be shown highlighted.
 */
export interface ParsedDocument {
  readonly kind: DocumentKind;
  readonly title: string | undefined;
  readonly text: string;
  readonly headings: readonly Heading[];
  /** Offset in `text` where page i+1 starts (PDF only). */
  readonly pageStarts?: readonly number[];
}

export interface ParseLimits {
  readonly maxPdfPages: number;
}
