import { useCallback, useEffect, useState, type SyntheticEvent } from 'react';
import type { RpcClient } from '../../shared/client.js';
import type { ErrorInfo } from '../../shared/errors.js';
import type {
  CitationDto,
  KbAnswerOutput,
  SearchHitDto,
  SourcesOutput,
} from '../../shared/knowledge.js';
import { CitationView, type OpenCitation } from '../conversation/CitationView.js';
import { SentenceText } from '../conversation/source-text.js';
import { Problem } from '../Problem.js';
import { AddSources } from './AddSources.js';
import { markTerms, queryTerms, snippet } from './highlight.js';
import { SourcesTable } from './SourcesTable.js';
import { SLOW_CALL } from './ui.js';
import './knowledge.css';

function Marked({ text, terms }: { text: string; terms: readonly string[] }) {
  return (
    <>{markTerms(text, terms).map((s, i) => (s.mark ? <mark key={i}>{s.text}</mark> : s.text))}</>
  );
}

type Found =
  | { readonly kind: 'answer'; readonly question: string; readonly answer: KbAnswerOutput }
  | { readonly kind: 'search'; readonly terms: string[]; readonly hits: SearchHitDto[] };

/**
 * The Knowledge view: ask or search your sources first; below, the sources themselves (a
 * filterable, sortable, paged table with remove and re-index) and adding new ones.
 */
export function KnowledgeView({ client }: { client: RpcClient | undefined }) {
  const [sources, setSources] = useState<SourcesOutput>();
  const [sourcesError, setSourcesError] = useState<ErrorInfo>();
  const [cited, setCited] = useState<OpenCitation>();

  const refresh = useCallback(() => {
    if (!client) return;
    void client.call('knowledge.sources', {}, SLOW_CALL).then((r) => {
      if (r.ok) {
        setSources(r.value);
        setSourcesError(undefined);
      } else setSourcesError(r.error);
    });
  }, [client]);

  useEffect(refresh, [refresh]);

  if (!client)
    return (
      <p className="kb-help" role="status">
        Waiting for the workstation engine…
      </p>
    );

  return (
    <div className={`kb${cited ? ' kb--with-panel' : ''}`}>
      <div className="kb__main">
        <AskOrSearch client={client} onCite={setCited} />
        <section className="card kb-sources" aria-labelledby="kb-sources-title">
          <div className="kb-sources__head">
            <h2 id="kb-sources-title" className="kb-card__title">
              Sources
            </h2>
            {sources && (
              <span className="kb-card__meta" data-testid="kb-counts">
                {sources.documents} {sources.documents === 1 ? 'document' : 'documents'} ·{' '}
                {sources.chunks} passages
              </span>
            )}
          </div>
          <AddSources client={client} onFinished={refresh} />
          <Problem error={sourcesError} />
          <SourcesTable client={client} sources={sources} onChanged={refresh} />
        </section>
      </div>
      {cited && (
        <div className="kb__panel">
          <CitationView
            key={`${cited.citation.documentId}:${cited.citation.start}:${cited.citation.end}`}
            open={cited}
            client={client}
            onClose={() => setCited(undefined)}
          />
        </div>
      )}
    </div>
  );
}

/** One box: Ask gives a cited answer, Search lists matching passages. */
function AskOrSearch({
  client,
  onCite,
}: {
  client: RpcClient;
  onCite: (open: OpenCitation) => void;
}) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Found>();
  const [error, setError] = useState<ErrorInfo>();
  const [busy, setBusy] = useState<'ask' | 'search' | undefined>();

  const run = (kind: 'ask' | 'search') => (event?: SyntheticEvent) => {
    event?.preventDefault();
    const q = query.trim();
    if (!q || busy) return;
    setBusy(kind);
    const done = (r: { ok: true; value: Found } | { ok: false; error: ErrorInfo }): void => {
      setBusy(undefined);
      if (r.ok) {
        setError(undefined);
        setFound(r.value);
      } else setError(r.error);
    };
    if (kind === 'ask')
      void client
        .call('knowledge.ask', { question: q }, SLOW_CALL)
        .then((r) =>
          done(r.ok ? { ok: true, value: { kind: 'answer', question: q, answer: r.value } } : r),
        );
    else
      void client
        .call('knowledge.search', { query: q, k: 10 }, SLOW_CALL)
        .then((r) =>
          done(
            r.ok
              ? { ok: true, value: { kind: 'search', terms: queryTerms(q), hits: r.value.hits } }
              : r,
          ),
        );
  };

  return (
    <section className="card kb-ask" aria-labelledby="kb-ask-title">
      <h2 id="kb-ask-title" className="kb-card__title">
        Ask or search your sources
      </h2>
      <form className="kb-ask__form" role="search" onSubmit={run('ask')}>
        <label htmlFor="kb-query" className="visually-hidden">
          Question or search words
        </label>
        <input
          id="kb-query"
          type="search"
          className="input kb-ask__input"
          value={query}
          maxLength={2000}
          placeholder="e.g. How is chronic kidney disease treated?"
          onChange={(e) => setQuery(e.target.value)}
        />
        <button className="button button--primary" type="submit" disabled={!!busy || !query.trim()}>
          {busy === 'ask' ? 'Asking…' : 'Ask'}
        </button>
        <button
          className="button"
          type="button"
          onClick={run('search')}
          disabled={!!busy || !query.trim()}
        >
          {busy === 'search' ? 'Searching…' : 'Search'}
        </button>
      </form>
      <Problem error={error} />
      {found?.kind === 'answer' && <AnswerView answer={found.answer} onCite={onCite} />}
      {found?.kind === 'search' && <SearchResults terms={found.terms} hits={found.hits} />}
    </section>
  );
}

function SearchResults({ terms, hits }: { terms: string[]; hits: SearchHitDto[] }) {
  if (hits.length === 0) return <p className="kb-help">No passages match those words.</p>;
  return (
    <ol className="kb-results" aria-label="Search results">
      {hits.map((h) => (
        <li key={h.chunkId} className="kb-result">
          <p className="kb-result__title">
            {h.title}
            {h.heading && h.heading !== h.title && (
              <span className="kb-card__meta">{h.heading.split(' › ').at(-1)}</span>
            )}
            {h.page !== null && <span className="kb-card__meta">page {h.page}</span>}
          </p>
          <p className="kb-result__snippet">
            <Marked text={snippet(h.text, terms)} terms={terms} />
          </p>
          <p className="kb-path">{h.sourcePath}</p>
        </li>
      ))}
    </ol>
  );
}

/** Citations numbered by first appearance; the same span keeps its number. */
function numberCitations(answer: KbAnswerOutput): {
  numberOf: (c: CitationDto) => number;
  list: CitationDto[];
} {
  const key = (c: CitationDto) => `${c.documentId}:${c.start}:${c.end}`;
  const numbers = new Map<string, number>();
  const list: CitationDto[] = [];
  for (const s of answer.sentences)
    for (const c of s.citations)
      if (!numbers.has(key(c))) {
        numbers.set(key(c), list.length + 1);
        list.push(c);
      }
  return { numberOf: (c) => numbers.get(key(c)) ?? 0, list };
}

/** How sure the answer is, in words (the number is the calibrated probability). */
export function confidenceWords(confidence: number): string {
  if (confidence >= 0.8) return 'High confidence';
  if (confidence >= 0.5) return 'Moderate confidence';
  return 'Low confidence';
}

function AnswerView({
  answer,
  onCite,
}: {
  answer: KbAnswerOutput;
  onCite: (open: OpenCitation) => void;
}) {
  const numbered = numberCitations(answer);
  const sentences = (
    <ol className="kb-sentences" aria-label="Answer, sentence by sentence">
      {answer.sentences.map((s, i) => (
        <li key={i} className="kb-sentence">
          <SentenceText text={s.text} />{' '}
          {s.citations.map((c) => {
            const n = numbered.numberOf(c);
            return (
              <button
                key={`${c.documentId}:${c.start}`}
                type="button"
                className="cite"
                aria-label={`Citation ${n}: ${c.title}${c.page !== null ? `, page ${c.page}` : ''}`}
                onClick={() => onCite({ citation: c, sentence: s, number: n })}
              >
                {n}
              </button>
            );
          })}
        </li>
      ))}
    </ol>
  );
  return (
    <div
      className="kb-answer"
      aria-live="polite"
      data-testid="kb-answer"
      data-covered={answer.covered}
    >
      {answer.covered ? (
        <>
          <p className="kb-answer__meta">
            <span
              className={`kb-confidence kb-confidence--${answer.confidence >= 0.8 ? 'high' : answer.confidence >= 0.5 ? 'mid' : 'low'}`}
              title={`Estimated chance that these sentences answer the question: ${Math.round(answer.confidence * 100)} %`}
              data-testid="kb-confidence"
            >
              {confidenceWords(answer.confidence)}
            </span>{' '}
            · quoted from your sources
          </p>
          {sentences}
        </>
      ) : (
        <div className="kb-not-covered" role="note">
          <p>
            <strong>{answer.notice ?? 'Your sources do not cover this question.'}</strong> Nothing
            was made up.
          </p>
          {answer.sentences.length > 0 ? (
            <>
              <p className="kb-help">What the closest source says, for you to judge:</p>
              {sentences}
            </>
          ) : answer.sources.length > 0 ? (
            <>
              <p className="kb-help">The nearest sources, to check yourself:</p>
              <ul aria-label="Nearest sources" className="kb-nearest">
                {answer.sources.slice(0, 5).map((s) => (
                  <li key={s.sourcePath}>
                    {s.title} <span className="kb-path">{s.sourcePath}</span>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p className="kb-help">Your knowledge store has nothing related.</p>
          )}
        </div>
      )}
    </div>
  );
}
