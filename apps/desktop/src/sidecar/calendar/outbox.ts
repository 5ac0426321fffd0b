import type { Db } from '../store/database.js';

/** A confirmed calendar change that could not reach Nextcloud yet. */
export type QueuedChange = Readonly<{
  id: number;
  kind: 'add' | 'move' | 'cancel';
  calendar: string;
  name: string;
  /** The ETag the change was prepared against (If-Match); null for a new event. */
  etag: string | null;
  /** The object to write; null when the object is deleted. */
  ics: string | null;
  /** The event's title, for the view and for asking again. */
  summary: string;
  /** The occurrence and new times (JSON of ChangeDetail), to prepare it again after a conflict. */
  change: ChangeDetail;
  /** pending: to write; conflict: changed in Nextcloud meanwhile (ask); failed: refused (code). */
  state: 'pending' | 'conflict' | 'failed';
  code: string | null;
  createdAt: string;
}>;

export type ChangeDetail = Readonly<{
  uid: string;
  recurrenceId: string | null;
  start: string | null;
  end: string | null;
  allDay: boolean;
}>;

type Row = {
  id: number;
  kind: QueuedChange['kind'];
  calendar: string;
  name: string;
  etag: string | null;
  ics: string | null;
  summary: string;
  change: string;
  state: QueuedChange['state'];
  code: string | null;
  created_at: string;
};

const fromRow = (r: Row): QueuedChange => ({
  id: r.id,
  kind: r.kind,
  calendar: r.calendar,
  name: r.name,
  etag: r.etag,
  ics: r.ics,
  summary: r.summary,
  change: JSON.parse(r.change) as ChangeDetail,
  state: r.state,
  code: r.code,
  createdAt: r.created_at,
});

/**
 * Calendar changes confirmed while Nextcloud (or the sync server) was unreachable, kept in the
 * encrypted store (`calendar_outbox`, migration 8) until they are written, in the order made.
 * Nothing here is ever dropped silently: a change refused later stays, marked, until the person
 * decides (CalendarService.flush, .discardQueued).
 */
export class CalendarOutbox {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  add(c: Omit<QueuedChange, 'id' | 'state' | 'code' | 'createdAt'>): QueuedChange {
    const at = this.now().toISOString();
    const info = this.db
      .prepare(
        `INSERT INTO calendar_outbox (kind, calendar, name, etag, ics, summary, change, state, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
      )
      .run(c.kind, c.calendar, c.name, c.etag, c.ics, c.summary, JSON.stringify(c.change), at);
    return { ...c, id: Number(info.lastInsertRowid), state: 'pending', code: null, createdAt: at };
  }

  /** Everything queued, oldest first. */
  list(): QueuedChange[] {
    return (this.db.prepare('SELECT * FROM calendar_outbox ORDER BY id').all() as Row[]).map(
      fromRow,
    );
  }

  pending(): QueuedChange[] {
    return this.list().filter((c) => c.state === 'pending');
  }

  get(id: number): QueuedChange | undefined {
    const r = this.db.prepare('SELECT * FROM calendar_outbox WHERE id = ?').get(id) as
      Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  mark(id: number, state: 'conflict' | 'failed', code: string): void {
    this.db
      .prepare('UPDATE calendar_outbox SET state = ?, code = ? WHERE id = ?')
      .run(state, code, id);
  }

  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM calendar_outbox WHERE id = ?').run(id).changes > 0;
  }
}
