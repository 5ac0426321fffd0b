import { useEffect, useRef } from 'react';
import type { AnswerSentenceDto, CitationDto } from '../../shared/voice-turn.js';

export interface OpenCitation {
  readonly citation: CitationDto;
  readonly sentence: AnswerSentenceDto;
  /** 1-based number shown in the answer. */
  readonly number: number;
}

/**
 * The cited source span. When the engine sends the surrounding passage (`citation.passage`), the
 * span is shown highlighted inside it; otherwise the view says so and shows the answer sentence
 * with the document, page and character range, so the reader knows exactly where to look (an
 * AI-written sentence is never dressed up as a quotation from the source).
 */
export function CitationView({ open, onClose }: { open: OpenCitation; onClose: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, [open]);
  const { citation, sentence, number } = open;
  const passage = citation.passage;
  const where = [
    citation.page !== null ? `page ${citation.page}` : null,
    `characters ${citation.start}–${citation.end}`,
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <section className="citation" aria-labelledby="citation-title" data-testid="citation-view">
      <div className="citation__head">
        <h2 id="citation-title" ref={heading} tabIndex={-1} className="citation__title">
          Source [{number}]: {citation.title || 'Untitled document'}
        </h2>
        <button type="button" className="button button--quiet" onClick={onClose}>
          Close source
        </button>
      </div>
      <p className="citation__where">
        <span className="citation__path">{citation.sourcePath}</span> · {where}
      </p>
      {passage ? (
        <blockquote className="citation__passage" data-testid="citation-passage">
          {passage.text.slice(0, passage.spanStart)}
          <mark className="citation__span">
            {passage.text.slice(passage.spanStart, passage.spanEnd)}
          </mark>
          {passage.text.slice(passage.spanEnd)}
        </blockquote>
      ) : (
        <div className="citation__fallback" data-testid="citation-fallback">
          <p className="citation__note">
            The source text is not available in this view yet. The answer sentence below rests on
            the range of the document given above:
          </p>
          <p className="citation__sentence">{sentence.text}</p>
        </div>
      )}
    </section>
  );
}
