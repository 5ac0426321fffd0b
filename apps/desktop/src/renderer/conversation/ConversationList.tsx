import { useEffect, useState } from 'react';
import type { RpcClient } from '../../shared/client.js';
import type { ErrorInfo } from '../../shared/errors.js';
import { Problem } from '../Problem.js';
import type { ConversationSummaryDto } from '../../shared/voice-turn.js';

/**
 * Stored conversations, newest first; choosing one shows its turns and continues it. Each can be
 * renamed or deleted (with its turns and its identifier vault); titles are made by the engine
 * from the topic, without identifiers.
 */
export function ConversationList({
  client,
  current,
  refreshKey,
  onSelect,
}: {
  client: RpcClient;
  current: string | null;
  /** Changes when a turn finished (a conversation was created or updated). */
  refreshKey: number;
  onSelect: (id: string | null) => void;
}) {
  const [items, setItems] = useState<readonly ConversationSummaryDto[] | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ id: string; title: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [problem, setProblem] = useState<ErrorInfo | null>(null);

  const rename = (id: string, title: string): void => {
    const clean = title.trim();
    setEditing(null);
    if (!clean) return;
    void client.call('conversations.rename', { conversationId: id, title: clean }).then((r) => {
      if (!r.ok) return setProblem(r.error);
      setProblem(null);
      setItems((list) => list?.map((c) => (c.id === id ? { ...c, title: clean } : c)));
    });
  };
  const remove = (id: string): void => {
    setConfirming(null);
    void client.call('conversations.delete', { conversationId: id }).then((r) => {
      if (!r.ok) return setProblem(r.error);
      setProblem(null);
      setItems((list) => list?.filter((c) => c.id !== id));
      if (id === current) onSelect(null);
    });
  };
  useEffect(() => {
    let live = true;
    void client.call('conversations.list', { limit: 50 }).then((r) => {
      if (!live) return;
      if (r.ok) {
        setItems(r.value);
        setError(null);
      } else setError(r.error.message);
    });
    return () => {
      live = false;
    };
  }, [client, refreshKey]);
  return (
    <nav className="convs" aria-label="Earlier conversations">
      <div className="convs__head">
        <h2 className="convs__title">Conversations</h2>
      </div>
      {error && (
        <p className="convs__empty">
          Earlier conversations cannot be shown right now; new questions still work.
        </p>
      )}
      {!error && items?.length === 0 && <p className="convs__empty">No conversations yet.</p>}
      {problem && <Problem error={problem} />}
      <ul className="convs__list">
        {items?.map((c) => {
          const title = c.title || 'Untitled';
          if (editing?.id === c.id)
            return (
              <li key={c.id}>
                <form
                  className="convs__rename"
                  onSubmit={(e) => {
                    e.preventDefault();
                    rename(c.id, editing.title);
                  }}
                >
                  <label className="visually-hidden" htmlFor={`rename-${c.id}`}>
                    New title for {title}
                  </label>
                  <input
                    id={`rename-${c.id}`}
                    className="input convs__rename-input"
                    maxLength={200}
                    value={editing.title}
                    autoFocus
                    onChange={(e) => setEditing({ id: c.id, title: e.target.value })}
                    onKeyDown={(e) => {
                      if (e.key === 'Escape') setEditing(null);
                    }}
                  />
                  <button type="submit" className="button button--small">
                    Save
                  </button>
                </form>
              </li>
            );
          return (
            <li key={c.id} className="convs__row" data-testid="conversation">
              <button
                type="button"
                className="convs__item"
                aria-current={c.id === current ? 'true' : undefined}
                onClick={() => onSelect(c.id)}
              >
                <span className="convs__name" data-testid="conversation-title">
                  {title}
                </span>
                <span className="convs__when">
                  {formatWhen(c.updatedAt)} · {c.turns} {c.turns === 1 ? 'turn' : 'turns'}
                </span>
              </button>
              {confirming === c.id ? (
                <div className="convs__confirm" role="group" aria-label={`Delete ${title}?`}>
                  <span>Delete it and what it holds?</span>
                  <button
                    type="button"
                    className="button button--small button--danger"
                    onClick={() => remove(c.id)}
                  >
                    Delete
                  </button>
                  <button
                    type="button"
                    className="button button--small button--quiet"
                    onClick={() => setConfirming(null)}
                  >
                    Keep
                  </button>
                </div>
              ) : (
                <div className="convs__actions">
                  <button
                    type="button"
                    className="button button--small button--quiet"
                    aria-label={`Rename ${title}`}
                    onClick={() => setEditing({ id: c.id, title })}
                  >
                    Rename
                  </button>
                  <button
                    type="button"
                    className="button button--small button--quiet"
                    aria-label={`Delete ${title}`}
                    onClick={() => setConfirming(c.id)}
                  >
                    Delete
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ul>
      <p className="convs__retention" data-testid="retention-note">
        Conversations are deleted automatically after the period set in Settings.
      </p>
    </nav>
  );
}

function formatWhen(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
}
