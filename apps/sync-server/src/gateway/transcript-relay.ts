import type { FastifyBaseLogger } from 'fastify';
import pg from 'pg';
import type { TranscriptNews } from './final-transcripts.js';

/** PostgreSQL channel on which server processes share their STT streams' final-transcript hashes. */
export const TRANSCRIPT_CHANNEL = 'voiceassist_stt_transcripts';
const LISTEN_RETRY_MS = 1_000;

/**
 * Carries FinalTranscripts' news between server processes through PostgreSQL: NOTIFY out (one
 * at a time, so the others see a stream's news in the order it happened), LISTEN in on a
 * connection of its own that is re-opened when lost. While it is down, each process still knows
 * its own streams: a chat that reaches another process then gets 409 TRANSCRIPT_CHANGED and the
 * workstation sends it again as an ordinary request — slower, never wrong.
 */
export class TranscriptRelay {
  private chain: Promise<unknown> = Promise.resolve();
  private client: pg.Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly databaseUrl: string,
    private readonly onNews: (payload: string) => void,
    private readonly log: FastifyBaseLogger,
  ) {}

  publish(news: TranscriptNews): void {
    const payload = JSON.stringify(news);
    this.chain = this.chain
      .then(() => this.pool.query('SELECT pg_notify($1, $2)', [TRANSCRIPT_CHANNEL, payload]))
      .catch((e: unknown) =>
        this.log.warn({ code: (e as { code?: string }).code }, 'transcript news not published'),
      );
  }

  /** Listens; resolves once the first LISTEN is in place (or failed: it is retried then). */
  async start(): Promise<void> {
    const c = new pg.Client({ connectionString: this.databaseUrl });
    let lost = false;
    const onLost = (e?: Error): void => {
      if (lost) return;
      lost = true;
      if (e) this.log.warn({ code: (e as { code?: string }).code }, 'transcript listener lost');
      c.end().catch(() => undefined);
      if (this.closed) return;
      this.retry = setTimeout(() => void this.start(), LISTEN_RETRY_MS);
      this.retry.unref();
    };
    c.on('error', onLost);
    c.on('end', () => onLost());
    c.on('notification', (n) => {
      if (n.channel === TRANSCRIPT_CHANNEL && n.payload) this.onNews(n.payload);
    });
    this.client = c;
    try {
      await c.connect();
      await c.query(`LISTEN ${TRANSCRIPT_CHANNEL}`);
    } catch (e) {
      onLost(e as Error);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.chain;
    await this.client?.end().catch(() => undefined);
  }
}
