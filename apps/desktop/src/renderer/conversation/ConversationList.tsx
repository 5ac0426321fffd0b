import { useEffect, useState } from 'react';
import type { RpcClient } from '../../shared/client.js';
import type { ConversationSummaryDto } from '../../shared/voice-turn.js';

/** Stored conversations, newest first; choosing one shows its turns and continues it. */
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
      <ul className="convs__list">
        {items?.map((c) => (
          <li key={c.id}>
            <button
              type="button"
              className="convs__item"
              aria-current={c.id === current ? 'true' : undefined}
              onClick={() => onSelect(c.id)}
            >
              <span className="convs__name">{c.title || 'Untitled'}</span>
              <span className="convs__when">
                {formatWhen(c.updatedAt)} · {c.turns} {c.turns === 1 ? 'turn' : 'turns'}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function formatWhen(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
}
