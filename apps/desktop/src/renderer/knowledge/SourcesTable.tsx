import { useMemo, useState } from 'react';
import type { RpcClient } from '../../shared/client.js';
import type { ErrorInfo } from '../../shared/errors.js';
import type { SourceRow, SourcesOutput } from '../../shared/knowledge.js';
import { wordsFor } from '../messages.js';
import { Problem } from '../Problem.js';
import { SLOW_CALL } from './ui.js';

export const PAGE_SIZE = 20;

type SortKey = 'title' | 'kind' | 'chunks' | 'ingestedAt';
type Sort = { readonly key: SortKey; readonly dir: 'asc' | 'desc' };

const KIND_NAMES: Readonly<Record<string, string>> = {
  pdf: 'PDF',
  docx: 'Word',
  html: 'HTML',
  markdown: 'Markdown',
  text: 'Text',
};

const COLUMNS: readonly { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: 'title', label: 'Title' },
  { key: 'kind', label: 'Type' },
  { key: 'chunks', label: 'Passages', numeric: true },
  { key: 'ingestedAt', label: 'Added' },
];

function compare(a: SourceRow, b: SourceRow, key: SortKey): number {
  if (key === 'chunks') return a.chunks - b.chunks;
  const x = (a[key] ?? '').toLowerCase();
  const y = (b[key] ?? '').toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function formatDate(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString(undefined, { dateStyle: 'medium' });
}

/**
 * The sources in the store: filter by words in the title or path and by type, sort by any column,
 * page through them, re-index or remove one. Files the last run could not add are listed apart,
 * each with why in words.
 */
export function SourcesTable({
  client,
  sources,
  onChanged,
}: {
  client: RpcClient;
  sources: SourcesOutput | undefined;
  onChanged: () => void;
}) {
  const [filter, setFilter] = useState('');
  const [kind, setKind] = useState('');
  const [sort, setSort] = useState<Sort>({ key: 'ingestedAt', dir: 'desc' });
  const [page, setPage] = useState(0);
  const [confirm, setConfirm] = useState<number>();
  const [busy, setBusy] = useState<number>();
  const [error, setError] = useState<ErrorInfo>();

  const ready = useMemo(
    () => sources?.sources.filter((s) => s.status === 'ready') ?? [],
    [sources],
  );
  const failed = useMemo(
    () => sources?.sources.filter((s) => s.status === 'failed') ?? [],
    [sources],
  );
  const kinds = useMemo(() => [...new Set(ready.map((s) => s.kind))].sort(), [ready]);
  const rows = useMemo(() => {
    const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
    const kept = ready.filter(
      (s) =>
        (!kind || s.kind === kind) &&
        words.every((w) => `${s.title} ${s.sourcePath}`.toLowerCase().includes(w)),
    );
    kept.sort((a, b) => compare(a, b, sort.key) * (sort.dir === 'asc' ? 1 : -1));
    return kept;
  }, [ready, filter, kind, sort]);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const shown = rows.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);

  const act = (call: 'knowledge.remove' | 'knowledge.reindex', documentId: number): void => {
    setBusy(documentId);
    setConfirm(undefined);
    void client.call(call, { documentIds: [documentId] }, SLOW_CALL).then((r) => {
      setBusy(undefined);
      if (r.ok) {
        setError(undefined);
        onChanged();
      } else setError(r.error);
    });
  };

  const sortBy = (key: SortKey): void => {
    setSort((s) => ({ key, dir: s.key === key && s.dir === 'asc' ? 'desc' : 'asc' }));
    setPage(0);
  };

  if (!sources) return <p className="kb-help">Loading your sources…</p>;
  return (
    <div className="kb-table-area">
      <Problem error={error} />
      {failed.length > 0 && (
        <details className="kb-failed" data-testid="kb-failed">
          <summary>
            {failed.length} {failed.length === 1 ? 'file' : 'files'} could not be added
          </summary>
          <ul>
            {failed.map((f) => (
              <li key={f.sourcePath}>
                <span className="kb-path">{f.sourcePath}</span>
                <Problem
                  inline
                  words={{
                    ...wordsFor({ code: f.code ?? 'INGEST_FAILED', message: f.reason ?? '' }),
                  }}
                />
              </li>
            ))}
          </ul>
        </details>
      )}
      {ready.length === 0 ? (
        <p className="kb-help">No sources yet. Add files or a folder above.</p>
      ) : (
        <>
          <div className="kb-filters" role="search" aria-label="Filter sources">
            <label className="kb-filter">
              <span className="visually-hidden">Filter by title or path</span>
              <input
                type="search"
                className="input"
                placeholder="Filter by title or path"
                value={filter}
                onChange={(e) => {
                  setFilter(e.target.value);
                  setPage(0);
                }}
                data-testid="kb-filter"
              />
            </label>
            <label className="kb-filter kb-filter--kind">
              <span className="visually-hidden">Type</span>
              <select
                className="select"
                value={kind}
                onChange={(e) => {
                  setKind(e.target.value);
                  setPage(0);
                }}
              >
                <option value="">All types</option>
                {kinds.map((k) => (
                  <option key={k} value={k}>
                    {KIND_NAMES[k] ?? k}
                  </option>
                ))}
              </select>
            </label>
            <span className="kb-card__meta" role="status" data-testid="kb-range">
              {rows.length === 0
                ? 'No sources match'
                : `${current * PAGE_SIZE + 1}–${current * PAGE_SIZE + shown.length} of ${rows.length}`}
            </span>
          </div>
          <div className="table-wrap">
            <table className="kb-table" data-testid="kb-sources">
              <thead>
                <tr>
                  {COLUMNS.map((c) => (
                    <th
                      key={c.key}
                      scope="col"
                      className={c.numeric ? 'kb-num' : undefined}
                      aria-sort={
                        sort.key === c.key
                          ? sort.dir === 'asc'
                            ? 'ascending'
                            : 'descending'
                          : undefined
                      }
                    >
                      <button type="button" className="kb-sort" onClick={() => sortBy(c.key)}>
                        {c.label}
                        <span className="kb-sort__arrow" aria-hidden="true">
                          {sort.key === c.key ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                        </span>
                      </button>
                    </th>
                  ))}
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.map((s) => {
                  const id = s.documentId ?? 0;
                  return (
                    <tr key={s.sourcePath} data-document-id={id}>
                      <th scope="row" className="kb-title-cell">
                        <span className="kb-title">{s.title}</span>
                        <span className="kb-path" title={s.sourcePath}>
                          {s.sourcePath}
                        </span>
                      </th>
                      <td>{KIND_NAMES[s.kind] ?? s.kind}</td>
                      <td className="kb-num">{s.chunks}</td>
                      <td className="kb-date">{formatDate(s.ingestedAt)}</td>
                      <td className="kb-actions">
                        {confirm === id ? (
                          <span
                            className="kb-confirm"
                            role="group"
                            aria-label={`Remove ${s.title}?`}
                          >
                            <span>Remove?</span>
                            <button
                              type="button"
                              className="button button--small button--danger"
                              onClick={() => act('knowledge.remove', id)}
                            >
                              Remove
                            </button>
                            <button
                              type="button"
                              className="button button--small button--quiet"
                              onClick={() => setConfirm(undefined)}
                            >
                              Keep
                            </button>
                          </span>
                        ) : (
                          <>
                            <button
                              type="button"
                              className="button button--small"
                              disabled={busy !== undefined || sources.ingesting}
                              onClick={() => act('knowledge.reindex', id)}
                              aria-label={`Re-index ${s.title}`}
                            >
                              Re-index
                            </button>
                            <button
                              type="button"
                              className="button button--small button--quiet"
                              disabled={busy !== undefined || sources.ingesting}
                              onClick={() => setConfirm(id)}
                              aria-label={`Remove ${s.title}`}
                            >
                              Remove
                            </button>
                          </>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {pages > 1 && (
            <nav className="kb-pages" aria-label="Pages of sources">
              <button
                type="button"
                className="button button--small"
                disabled={current === 0}
                onClick={() => setPage(current - 1)}
              >
                Previous
              </button>
              <span className="kb-card__meta">
                Page {current + 1} of {pages}
              </span>
              <button
                type="button"
                className="button button--small"
                disabled={current >= pages - 1}
                onClick={() => setPage(current + 1)}
              >
                Next
              </button>
            </nav>
          )}
        </>
      )}
    </div>
  );
}
