import '../ask/ask.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { RpcClient } from '../../shared/client.js';
import type { ErrorInfo } from '../../shared/errors.js';
import type { CitationDto } from '../../shared/voice-turn.js';
import { Problem } from '../Problem.js';
import { SourceText } from './source-text.js';

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
  readonly heading?: string;
}

type FromStore =
  | { readonly state: 'loading' }
  | { readonly state: 'read'; readonly passage: Shown }
  | { readonly state: 'failed'; readonly error: ErrorInfo };

type Whole =
  | { readonly state: 'closed' }
  | { readonly state: 'loading' }
  | { readonly state: 'read'; readonly text: string; readonly truncated: boolean }
  | { readonly state: 'failed'; readonly error: ErrorInfo };

/**
 * The drawer beside the answer that shows a cited source: its title and section, the passage
 * rendered (not raw Markdown) with the cited span highlighted, and "Open source" for the whole
 * document. The span is read from the store (`knowledge.passage`); when the store cannot give it,
 * the passage the engine sent with the citation is used; otherwise the drawer says so in words and
 * shows the answer sentence (an AI-written sentence is never dressed up as a quotation).
 *
 * A non-modal dialog: focus moves to its heading when it opens and back to whatever opened it on
 * Close or Escape. Render with `key` set per citation so state starts fresh.
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
  const [whole, setWhole] = useState<Whole>({ state: 'closed' });
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
            ...(p.heading ? { heading: p.heading } : {}),
          },
        });
      });
    return () => {
      live = false;
    };
  }, [client, citation]);

  const passage: Shown | undefined = useMemo(
    () =>
      whole.state === 'read'
        ? { text: whole.text, spanStart: citation.start, spanEnd: citation.end }
        : fromStore.state === 'read'
          ? fromStore.passage
          : citation.passage,
    [whole, fromStore, citation],
  );

  useEffect(() => {
    mark.current?.scrollIntoView({ block: 'center' });
  }, [passage]);

  const close = (): void => {
    onClose();
    if (opener?.isConnected) opener.focus();
  };

  const openWhole = (): void => {
    setWhole({ state: 'loading' });
    void client
      .call('knowledge.document', { documentId: citation.documentId })
      .then((r) =>
        setWhole(
          r.ok
            ? { state: 'read', text: r.value.text, truncated: r.value.truncated }
            : { state: 'failed', error: r.error },
        ),
      );
  };

  const section =
    fromStore.state === 'read' && fromStore.passage.heading
      ? fromStore.passage.heading.split(' › ').filter((h) => h !== citation.title)
      : [];
  return (
    <section
      className="citation"
      role="dialog"
      aria-modal="false"
      aria-labelledby="citation-title"
      data-testid="citation-view"
      data-whole={whole.state === 'read' ? 'true' : 'false'}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.stopPropagation();
        close();
      }}
    >
      <header className="citation__head">
        <p className="citation__kicker">Source {number}</p>
        <h2 id="citation-title" ref={heading} tabIndex={-1} className="citation__title">
          {citation.title || 'Untitled document'}
        </h2>
        {(section.length > 0 || citation.page !== null) && (
          <p className="citation__section" data-testid="citation-section">
            {[...section, ...(citation.page !== null ? [`page ${citation.page}`] : [])].join(' › ')}
          </p>
        )}
        <p className="citation__path" title={citation.sourcePath}>
          {citation.sourcePath}
        </p>
        <div className="citation__actions">
          {whole.state === 'read' ? (
            <button
              type="button"
              className="button button--small"
              onClick={() => setWhole({ state: 'closed' })}
            >
              Show the cited passage
            </button>
          ) : (
            <button
              type="button"
              className="button button--small"
              onClick={openWhole}
              disabled={whole.state === 'loading'}
            >
              Open source
            </button>
          )}
          <button type="button" className="button button--small button--quiet" onClick={close}>
            Close
          </button>
        </div>
      </header>
      {whole.state === 'failed' && <Problem error={whole.error} />}
      {passage ? (
        <>
          {fromStore.state === 'failed' && whole.state !== 'read' && (
            <p className="citation__note">
              The stored document could not be read, so this is the passage the answer was given
              with.
            </p>
          )}
          <div
            className="citation__passage"
            data-testid="citation-passage"
            tabIndex={0}
            aria-label={whole.state === 'read' ? 'Whole source text' : 'Source text'}
          >
            {passage.moreBefore && <p className="citation__more">…</p>}
            <SourceText
              text={passage.text}
              markStart={passage.spanStart}
              markEnd={passage.spanEnd}
              markRef={mark}
            />
            {passage.moreAfter && <p className="citation__more">…</p>}
            {whole.state === 'read' && whole.truncated && (
              <p className="citation__note">The rest of this long document is not shown here.</p>
            )}
          </div>
        </>
      ) : fromStore.state === 'failed' ? (
        <div className="citation__fallback" data-testid="citation-fallback">
          <Problem error={fromStore.error} />
          <p className="citation__note">The answer sentence that cites this source:</p>
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
