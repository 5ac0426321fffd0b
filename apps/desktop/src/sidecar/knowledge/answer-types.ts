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
