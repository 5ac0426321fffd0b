import type { ConversationSummaryDto, TurnRecordDto } from '../../shared/voice-turn.js';
import { conversationTitle } from './conversation-title.js';
import type { Db } from './database.js';

/** A renamed title's longest form (the contract's limit). */
export const TITLE_MAX = 200;
/** Conversations are kept this many days after their last turn unless policy says otherwise. */
export const DEFAULT_RETENTION_DAYS = 30;

/**
 * Conversations and their turns in the encrypted store (migration 2). A turn is stored whole as
 * JSON (transcript, cited answer, timings, errors): it is read back whole by the conversation view
 * and the diagnostics histogram, and never queried by its parts.
 */
export class ConversationRepository {
  constructor(private readonly db: Db) {}

  /**
   * Creates the conversation on its first turn, titled with the topic of that turn's question
   * with its identifiers removed (conversation-title.ts); later turns keep the title.
   */
  saveTurn(turn: TurnRecordDto): void {
    const now = new Date().toISOString();
    const title = conversationTitle(turn.transcript);
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at`,
        )
        .run(turn.conversationId, title, turn.startedAt, now);
      this.db
        .prepare(
          `INSERT INTO turns (id, conversation_id, started_at, status, record) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET status = excluded.status, record = excluded.record`,
        )
        .run(turn.id, turn.conversationId, turn.startedAt, turn.status, JSON.stringify(turn));
    })();
  }

  /** False when there is no such conversation. */
  rename(id: string, title: string): boolean {
    const clean = title.replace(/\s+/g, ' ').trim().slice(0, TITLE_MAX);
    if (clean === '') return false;
    return (
      this.db.prepare('UPDATE conversations SET title = ? WHERE id = ?').run(clean, id).changes > 0
    );
  }

  /** Removes conversations with their turns and PHI vaults; returns how many there were. */
  delete(ids: readonly string[]): number {
    return this.db.transaction(() => {
      let n = 0;
      for (const id of ids) {
        this.db.prepare('DELETE FROM turns WHERE conversation_id = ?').run(id);
        this.db.prepare('DELETE FROM phi_vaults WHERE conversation_id = ?').run(id);
        n += this.db.prepare('DELETE FROM conversations WHERE id = ?').run(id).changes;
      }
      return n;
    })();
  }

  /**
   * Retention: deletes every conversation (turns and vault included) whose last turn is older
   * than `days` before `now`, and any vault left without a conversation. Returns the ids.
   */
  expire(days: number, now = new Date()): string[] {
    const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
    const ids = (
      this.db.prepare('SELECT id FROM conversations WHERE updated_at < ?').all(cutoff) as {
        id: string;
      }[]
    ).map((r) => r.id);
    this.delete(ids);
    this.db
      .prepare(
        'DELETE FROM phi_vaults WHERE updated_at < ? AND conversation_id NOT IN (SELECT id FROM conversations)',
      )
      .run(cutoff);
    return ids;
  }

  /**
   * Titles written before they were made from the topic held the first words typed, identifiers
   * and all: each is made again from its first turn, once per store (a `meta` flag).
   */
  retitleOnce(): number {
    const FLAG = 'conversations.titles';
    const done = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(FLAG);
    if (done) return 0;
    return this.db.transaction(() => {
      const rows = this.db
        .prepare(
          `SELECT c.id, (SELECT t.record FROM turns t WHERE t.conversation_id = c.id
                          ORDER BY t.started_at LIMIT 1) AS record
           FROM conversations c`,
        )
        .all() as { id: string; record: string | null }[];
      const update = this.db.prepare('UPDATE conversations SET title = ? WHERE id = ?');
      for (const r of rows) {
        update.run(conversationTitle(firstQuestion(r.record)), r.id);
      }
      this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(FLAG, '"topic"');
      return rows.length;
    })();
  }

  list(limit = 50): ConversationSummaryDto[] {
    return this.db
      .prepare(
        `SELECT c.id, c.title, c.created_at AS createdAt, c.updated_at AS updatedAt,
                (SELECT count(*) FROM turns t WHERE t.conversation_id = c.id) AS turns
         FROM conversations c ORDER BY c.updated_at DESC LIMIT ?`,
      )
      .all(limit) as ConversationSummaryDto[];
  }

  /** One conversation's turns in order, or the most recent turns of all (diagnostics). */
  turns(conversationId: string | undefined, limit = 200): TurnRecordDto[] {
    const rows = (
      conversationId === undefined
        ? this.db
            .prepare(
              'SELECT record FROM (SELECT record, started_at FROM turns ORDER BY started_at DESC LIMIT ?) ORDER BY started_at',
            )
            .all(limit)
        : this.db
            .prepare(
              'SELECT record FROM turns WHERE conversation_id = ? ORDER BY started_at LIMIT ?',
            )
            .all(conversationId, limit)
    ) as { record: string }[];
    return rows.map((r) => JSON.parse(r.record) as TurnRecordDto);
  }
}

/** The question of a stored turn record, or '' when it cannot be read. */
function firstQuestion(record: string | null): string {
  if (record === null) return '';
  try {
    const { transcript } = JSON.parse(record) as Partial<TurnRecordDto>;
    return typeof transcript === 'string' ? transcript : '';
  } catch {
    return '';
  }
}
