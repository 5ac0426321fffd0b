import { useEffect, useRef, useState } from 'react';
import type { RpcClient } from '../../shared/client.js';
import type { AnswerSentenceDto, CitationDto } from '../../shared/voice-turn.js';

export interface OpenCitation {
  readonly citation: CitationDto;
  readonly sentence: AnswerSentenceDto;
  /** 1-based number shown in the answer. */
  readonly number: number;
}

/** Source text with the cited span at [spanStart, spanEnd). */
interface Shown {
  readonly text: string;
  readonly spanStart: number;
  readonly spanEnd: number;
}

/**
 * The cited source span, read from the store (`knowledge.passage`) and shown with the span
 * highlighted in its surrounding text; if the store cannot give it, the passage the engine sent
 * with the citation (`citation.passage`) is used; otherwise the view says so and shows the answer sentence
 * with the document, page and character range, so the reader knows exactly where to look (an
 * AI-written sentence is never dressed up as a quotation from the source).
 */
export function CitationView({
  open,
  client,
  onClose,
}: {
  open: OpenCitation;
  /** Reads the source text; render with `key` set per citation so state starts fresh. */
  client: RpcClient;
  onClose: () => void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [fromStore, setFromStore] = useState<Shown | null | 'loading'>('loading');
  const { citation, sentence, number } = open;
  useEffect(() => {
    heading.current?.focus();
    let live = true;
    void client
      .call('knowledge.passage', {
        documentId: citation.documentId,
        start: citation.start,
        end: citation.end,
      })
      .then((r) => {
        if (!live) return;
        setFromStore(
          r.ok
            ? {
                text: r.value.text,
                spanStart: r.value.start - r.value.textStart,
                spanEnd: r.value.end - r.value.textStart,
              }
            : null,
        );
      });
    return () => {
      live = false;
    };
  }, [client, citation]);
  const passage: Shown | undefined =
    fromStore !== null && fromStore !== 'loading' ? fromStore : citation.passage;
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
      {fromStore === 'loading' && !passage ? (
        <p className="citation__note" role="status">
          Opening the source…
        </p>
      ) : passage ? (
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
