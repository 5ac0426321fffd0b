import type { ConversationSummaryDto, TurnRecordDto } from '../../shared/voice-turn.js';
import type { Db } from './database.js';

const TITLE_CHARS = 80;

/**
 * Conversations and their turns in the encrypted store (migration 2). A turn is stored whole as
 * JSON (transcript, cited answer, timings, errors): it is read back whole by the conversation view
 * and the diagnostics histogram, and never queried by its parts.
 */
export class ConversationRepository {
  constructor(private readonly db: Db) {}

  /** Creates the conversation on its first turn; its title is the start of that turn's question. */
  saveTurn(turn: TurnRecordDto): void {
    const now = new Date().toISOString();
    const title = turn.transcript.replace(/\s+/g, ' ').trim().slice(0, TITLE_CHARS) || 'Untitled';
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
