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
import { AddSources } from './AddSources.js';
import { markTerms, queryTerms, snippet } from './highlight.js';
import { ErrorNote, SLOW_CALL } from './ui.js';
import './knowledge.css';

function Marked({ text, terms }: { text: string; terms: readonly string[] }) {
  return (
    <>{markTerms(text, terms).map((s, i) => (s.mark ? <mark key={i}>{s.text}</mark> : s.text))}</>
  );
}

/** The Knowledge view: add sources, the sources list, search, and cited answers. */
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
      <div className="notice" role="status">
        Waiting for the engine to connect…
      </div>
    );

  return (
    <div className={`kb${cited ? ' kb--with-panel' : ''}`}>
      <div className="kb__main">
        <AddSources client={client} onFinished={refresh} />
        <SourcesTable sources={sources} error={sourcesError} />
        <SearchBox client={client} />
        <AskBox client={client} onCite={setCited} />
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

function SourcesTable({
  sources,
  error,
}: {
  sources: SourcesOutput | undefined;
  error: ErrorInfo | undefined;
}) {
  return (
    <section className="kb-card" aria-labelledby="kb-sources-title">
      <h2 id="kb-sources-title" className="kb-card__title">
        Sources
        {sources && (
          <span className="kb-card__meta">
            {sources.documents} documents · {sources.chunks} chunks
            {sources.ingesting ? ' · adding…' : ''}
          </span>
        )}
      </h2>
      <ErrorNote error={error} />
      {sources?.sources.length === 0 && (
        <p className="kb-help">No sources yet. Add a file or folder above.</p>
      )}
      {sources && sources.sources.length > 0 && (
        <div className="kb-table-wrap">
          <table className="kb-table" data-testid="kb-sources">
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Path</th>
                <th scope="col" className="kb-num">
                  Chunks
                </th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {sources.sources.map((s) => (
                <tr key={`${s.status}:${s.sourcePath}`}>
                  <th scope="row">{s.title}</th>
                  <td className="kb-path">{s.sourcePath}</td>
                  <td className="kb-num">{s.chunks}</td>
                  <td>
                    {s.status === 'ready' ? (
                      <span className="kb-pill kb-pill--ok">Ready</span>
                    ) : (
                      <span className="kb-pill kb-pill--bad" title={s.code}>
                        Not added: {s.reason}
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function SearchBox({ client }: { client: RpcClient }) {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<{ terms: string[]; hits: SearchHitDto[] }>();
  const [error, setError] = useState<ErrorInfo>();
  const [busy, setBusy] = useState(false);

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    const q = query.trim();
    if (!q) return;
    setBusy(true);
    void client.call('knowledge.search', { query: q, k: 10 }, SLOW_CALL).then((r) => {
      setBusy(false);
      if (r.ok) {
        setError(undefined);
        setHits({ terms: queryTerms(q), hits: r.value.hits });
      } else setError(r.error);
    });
  };

  return (
    <section className="kb-card" aria-labelledby="kb-search-title">
      <h2 id="kb-search-title" className="kb-card__title">
        Search
      </h2>
      <form className="kb-form" role="search" onSubmit={submit}>
        <label htmlFor="kb-search">Search your sources</label>
        <div className="kb-form__row">
          <input
            id="kb-search"
            type="search"
            className="kb-input"
            value={query}
            maxLength={2000}
            onChange={(e) => setQuery(e.target.value)}
          />
          <button className="kb-button" type="submit" disabled={busy || !query.trim()}>
            Search
          </button>
        </div>
      </form>
      <ErrorNote error={error} />
      {hits && (
        <div aria-live="polite">
          {hits.hits.length === 0 ? (
            <p className="kb-help">No matches.</p>
          ) : (
            <ol className="kb-results" aria-label="Search results">
              {hits.hits.map((h) => (
                <li key={h.chunkId} className="kb-result">
                  <p className="kb-result__title">
                    {h.title}
                    {h.page !== null && <span className="kb-card__meta">page {h.page}</span>}
                  </p>
                  <p className="kb-result__snippet">
                    <Marked text={snippet(h.text, hits.terms)} terms={hits.terms} />
                  </p>
                  <p className="kb-path">{h.sourcePath}</p>
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </section>
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

function AskBox({ client, onCite }: { client: RpcClient; onCite: (open: OpenCitation) => void }) {
  const [question, setQuestion] = useState('');
  const [answer, setAnswer] = useState<KbAnswerOutput>();
  const [error, setError] = useState<ErrorInfo>();
  const [busy, setBusy] = useState(false);

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    const q = question.trim();
    if (!q) return;
    setBusy(true);
    void client.call('knowledge.ask', { question: q }, SLOW_CALL).then((r) => {
      setBusy(false);
      if (r.ok) {
        setError(undefined);
        setAnswer(r.value);
      } else setError(r.error);
    });
  };
  const numbered = answer && numberCitations(answer);

  return (
    <section className="kb-card" aria-labelledby="kb-ask-title">
      <h2 id="kb-ask-title" className="kb-card__title">
        Ask your sources
      </h2>
      <form className="kb-form" onSubmit={submit}>
        <label htmlFor="kb-ask">Question</label>
        <div className="kb-form__row">
          <input
            id="kb-ask"
            className="kb-input"
            value={question}
            maxLength={2000}
            onChange={(e) => setQuestion(e.target.value)}
          />
          <button className="kb-button" type="submit" disabled={busy || !question.trim()}>
            {busy ? 'Asking…' : 'Ask'}
          </button>
        </div>
      </form>
      <ErrorNote error={error} />
      {answer && numbered && (
        <div className="kb-answer" aria-live="polite" data-testid="kb-answer">
          {answer.covered ? (
            <>
              <ol className="kb-sentences" aria-label="Answer, sentence by sentence">
                {answer.sentences.map((s, i) => (
                  <li key={i} className="kb-sentence">
                    {s.text}{' '}
                    {s.citations.map((c) => {
                      const n = numbered.numberOf(c);
                      return (
                        <button
                          key={`${c.documentId}:${c.start}`}
                          type="button"
                          className="kb-cite"
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
              <h3 className="kb-subtitle">Cited sources</h3>
              <ol className="kb-cited">
                {numbered.list.map((c, i) => (
                  <li key={i}>
                    {c.title}
                    {c.page !== null ? `, page ${c.page}` : ''}{' '}
                    <span className="kb-path">{c.sourcePath}</span>
                  </li>
                ))}
              </ol>
            </>
          ) : (
            <div className="kb-not-covered" role="note">
              <p>
                <strong>Your sources do not cover this question.</strong> Nothing was made up; here
                are the nearest sources to check yourself.
              </p>
              {answer.sources.length > 0 ? (
                <ul aria-label="Nearest sources">
                  {answer.sources.slice(0, 5).map((s) => (
                    <li key={s.sourcePath}>
                      {s.title} <span className="kb-path">{s.sourcePath}</span>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="kb-help">The knowledge store has nothing related.</p>
              )}
            </div>
          )}
        </div>
      )}
    </section>
  );
}
