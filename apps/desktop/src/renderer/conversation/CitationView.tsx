import '../ask/voice.css';
import { useEffect, useRef, useState } from 'react';
import type { RpcClient } from '../../shared/client.js';
import type { ErrorInfo } from '../../shared/errors.js';
import type { CitationDto } from '../../shared/voice-turn.js';

/** A citation someone opened: from a conversation turn or from the Knowledge view's answer. */
export interface OpenCitation {
  /** The conversation's citation; the Knowledge view's (no `passage`) is the same shape. */
  readonly citation: CitationDto;
  /** The answer sentence that cites it. */
  readonly sentence: { readonly text: string };
  /** 1-based number shown in the answer. */
  readonly number: number;
}

/** Source text with the cited span at [spanStart, spanEnd); `more*`: the document goes on. */
interface Shown {
  readonly text: string;
  readonly spanStart: number;
  readonly spanEnd: number;
  readonly moreBefore?: boolean;
  readonly moreAfter?: boolean;
}

type FromStore =
  | { readonly state: 'loading' }
  | { readonly state: 'read'; readonly passage: Shown }
  | { readonly state: 'failed'; readonly error: ErrorInfo };

/**
 * The one panel that shows a cited source span (Ask/conversation and Knowledge views). The span is
 * read from the store (`knowledge.passage`) and shown highlighted in its surrounding text; if the
 * store cannot give it, the passage the engine sent with the citation (`citation.passage`) is used;
 * otherwise the panel says so (with the store's reason) and shows the answer sentence with the
 * document, page and character range, so the reader knows exactly where to look (an AI-written
 * sentence is never dressed up as a quotation from the source).
 *
 * A non-modal dialog: focus moves to its heading when it opens and back to whatever opened it
 * (the citation button) on Close or Escape. Render with `key` set per citation so state starts fresh.
 */
export function CitationView({
  open,
  client,
  onClose,
}: {
  open: OpenCitation;
  client: RpcClient;
  onClose: () => void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  const mark = useRef<HTMLElement>(null);
  // Rendered in the same task as the click or key that opened it: that control still has focus.
  const [opener] = useState(() =>
    document.activeElement instanceof HTMLElement ? document.activeElement : null,
  );
  const [fromStore, setFromStore] = useState<FromStore>({ state: 'loading' });
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
        if (!r.ok) {
          setFromStore({ state: 'failed', error: r.error });
          return;
        }
        const p = r.value;
        setFromStore({
          state: 'read',
          passage: {
            text: p.text,
            spanStart: p.start - p.textStart,
            spanEnd: p.end - p.textStart,
            moreBefore: p.textStart > 0,
            moreAfter: p.textStart + p.text.length < p.documentLength,
          },
        });
      });
    return () => {
      live = false;
    };
  }, [client, citation]);

  const passage: Shown | undefined =
    fromStore.state === 'read' ? fromStore.passage : citation.passage;

  useEffect(() => {
    mark.current?.scrollIntoView({ block: 'center' });
  }, [passage]);

  const close = (): void => {
    onClose();
    if (opener?.isConnected) opener.focus();
  };

  const where = [
    citation.page !== null ? `page ${citation.page}` : null,
    `characters ${citation.start}–${citation.end}`,
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <section
      className="citation"
      role="dialog"
      aria-modal="false"
      aria-labelledby="citation-title"
      data-testid="citation-view"
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.stopPropagation();
        close();
      }}
    >
      <div className="citation__head">
        <h2 id="citation-title" ref={heading} tabIndex={-1} className="citation__title">
          Source [{number}]: {citation.title || 'Untitled document'}
        </h2>
        <button type="button" className="button button--quiet" onClick={close}>
          Close source
        </button>
      </div>
      <p className="citation__where">
        <span className="citation__path">{citation.sourcePath}</span> · {where}
      </p>
      {passage ? (
        <>
          {fromStore.state === 'failed' && (
            <p className="citation__note">
              The stored document could not be read ({fromStore.error.message}); this is the passage
              the answer was given with.
            </p>
          )}
          <blockquote
            className="citation__passage"
            data-testid="citation-passage"
            tabIndex={0}
            aria-label="Source text"
          >
            {passage.moreBefore && '… '}
            {passage.text.slice(0, passage.spanStart)}
            <mark ref={mark} className="citation__span">
              {passage.text.slice(passage.spanStart, passage.spanEnd)}
            </mark>
            {passage.text.slice(passage.spanEnd)}
            {passage.moreAfter && ' …'}
          </blockquote>
        </>
      ) : fromStore.state === 'failed' ? (
        <div className="citation__fallback" data-testid="citation-fallback">
          <p className="citation__note">
            The source text could not be read: {fromStore.error.message} ({fromStore.error.code}).
            The answer sentence below rests on the range of the document given above:
          </p>
          <p className="citation__sentence">{sentence.text}</p>
        </div>
      ) : (
        <p className="citation__note" role="status">
          Opening the source…
        </p>
      )}
    </section>
  );
}
