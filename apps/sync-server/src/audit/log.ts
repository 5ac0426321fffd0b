import type pg from 'pg';

/** What every audit row says. `detail` holds ids, counts and codes only: never PHI values. */
export type AuditEvent = Readonly<{
  action: string;
  outcome?: string;
  requestId?: string | null;
  userId?: string | null;
  actor?: string | null;
  clinicId?: string | null;
  deviceId?: string | null;
  provider?: string | null;
  detail?: Record<string, unknown>;
}>;

type Pending = { event: AuditEvent; resolve: () => void; reject: (e: unknown) => void };

const MAX_BATCH = 500;
const COLUMNS = 9;

/**
 * Appends to the hash-chained audit log. The chain is built by the database (a trigger under a
 * row lock), so every writer — this one, other server instances, plain SQL — links into one
 * order. Events that arrive while a write is in flight go out together in the next one
 * (one transaction, one lock acquisition), which keeps a burst of sign-ins from queueing on
 * the chain's lock one commit at a time. `append` resolves once the row is committed.
 */
export class AuditLog {
  private queue: Pending[] = [];
  private writing: Promise<void> | undefined;

  constructor(
    private readonly db: pg.Pool,
    private readonly onError: (e: unknown) => void = () => undefined,
  ) {}

  append(event: AuditEvent): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      this.writing ??= this.drain();
    });
  }

  /** Resolves when everything appended so far is written (or failed). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          await this.write(batch.map((p) => p.event));
          for (const p of batch) p.resolve();
        } catch (e) {
          this.onError(e);
          for (const p of batch) p.reject(e);
        }
      }
    } finally {
      this.writing = undefined;
    }
  }

  private async write(events: readonly AuditEvent[]): Promise<void> {
    const values: unknown[] = [];
    const rows = events.map((e, i) => {
      values.push(
        e.action,
        e.outcome ?? 'ok',
        e.requestId ?? null,
        e.userId ?? null,
        e.actor ?? null,
        e.clinicId ?? null,
        e.deviceId ?? null,
        e.provider ?? null,
        JSON.stringify(e.detail ?? {}),
      );
      const b = i * COLUMNS;
      return `(${Array.from({ length: COLUMNS }, (_, k) => `$${b + k + 1}`).join(', ')})`;
    });
    // One statement: one transaction, rows chained in the order given.
    await this.db.query(
      `INSERT INTO audit_log (action, outcome, request_id, user_id, actor, clinic_id, device_id,
                              provider, detail)
       VALUES ${rows.join(', ')}`,
      values,
    );
  }
}
