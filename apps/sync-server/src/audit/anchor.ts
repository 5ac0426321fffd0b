import type pg from 'pg';
import type { Anchor } from './verify.js';

/** Serialises anchoring across server instances (any constant, the same everywhere). */
const ANCHOR_LOCK_KEY = 0x76616e63; // "vanc"

/**
 * Appends an `audit_anchor` row naming the chain head (id and hash) and, before it, an
 * `egress_summary` row per clinic: provider calls since the previous summary, counted by kind,
 * provider and outcome (never content). Does nothing when another instance anchored less than
 * `everyMs` ago. Exported anchors (`exportAnchors`) let `audit verify --anchors` prove that no
 * rows were removed from the end since.
 */
export async function anchorIfDue(pool: pg.Pool, everyMs: number): Promise<boolean> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query('SELECT pg_advisory_xact_lock($1)', [ANCHOR_LOCK_KEY]);
    const last = await c.query<{ at: Date | null }>(
      `SELECT max(at) AS at FROM audit_log WHERE action = 'audit_anchor'`,
    );
    const lastAt = last.rows[0]?.at ?? null;
    const now = await c.query<{ now: Date }>('SELECT now() AS now');
    const nowAt = now.rows[0]?.now ?? new Date();
    if (lastAt && nowAt.getTime() - lastAt.getTime() < everyMs) {
      await c.query('ROLLBACK');
      return false;
    }
    // The window is kept in SQL at the server's microsecond precision: a JS Date would round
    // `now()` down to the millisecond and drop a call made in the same millisecond as the anchor.
    // Each anchor records where its window ended (`to`), so the next one starts exactly there.
    await c.query(
      `WITH w AS (
         SELECT coalesce((SELECT coalesce((detail ->> 'to')::timestamptz, at) FROM audit_log
                           WHERE action = 'audit_anchor' ORDER BY id DESC LIMIT 1),
                         'epoch'::timestamptz) AS from_at,
                now() AS to_at)
       INSERT INTO audit_log (action, clinic_id, detail)
       SELECT 'egress_summary', s.clinic_id,
              jsonb_build_object('from', w.from_at, 'to', w.to_at,
                                 'calls', jsonb_agg(jsonb_build_object(
                                   'kind', s.kind, 'provider', s.provider, 'outcome', s.outcome,
                                   'requests', s.n) ORDER BY s.kind, s.provider, s.outcome))
         FROM w,
              (SELECT u.clinic_id, u.kind, u.provider, u.outcome,
                      count(DISTINCT u.request_id)::int AS n
                 FROM usage_events u, w
                WHERE u.at >= w.from_at AND u.at < w.to_at
                GROUP BY 1, 2, 3, 4) s
        GROUP BY s.clinic_id, w.from_at, w.to_at`,
    );
    await c.query(
      `INSERT INTO audit_log (action, detail)
       SELECT 'audit_anchor',
              jsonb_build_object('headId', id, 'headHash', encode(hash, 'hex'), 'to', now())
         FROM audit_head`,
    );
    await c.query('COMMIT');
    return true;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}

export type AnchorExport = {
  exportedAt: string;
  head: { id: number; hash: string } | null;
  anchors: { id: number; hash: string; at: string }[];
};

/** The chain head and every anchor row, to keep outside the database. */
export async function exportAnchors(db: pg.Pool): Promise<AnchorExport> {
  const rows = await db.query<{ id: string; hash: Buffer; at: Date }>(
    `SELECT id::text AS id, hash, at FROM audit_log WHERE action = 'audit_anchor' ORDER BY audit_log.id`,
  );
  const head = await db.query<{ id: string; hash: Buffer }>(
    `SELECT id::text AS id, hash FROM audit_log ORDER BY audit_log.id DESC LIMIT 1`,
  );
  const h = head.rows[0];
  return {
    exportedAt: new Date().toISOString(),
    head: h ? { id: Number(h.id), hash: h.hash.toString('hex') } : null,
    anchors: rows.rows.map((r) => ({
      id: Number(r.id),
      hash: r.hash.toString('hex'),
      at: r.at.toISOString(),
    })),
  };
}

/** Anchors out of an export file's JSON (`head` and `anchors`), checked field by field. */
export function anchorsFromExport(json: unknown): Anchor[] {
  const out: Anchor[] = [];
  const take = (a: unknown) => {
    const x = a as { id?: unknown; hash?: unknown } | null;
    if (
      typeof x?.id === 'number' &&
      Number.isSafeInteger(x.id) &&
      typeof x.hash === 'string' &&
      /^[0-9a-f]{64}$/i.test(x.hash)
    ) {
      out.push({ id: x.id, hash: x.hash });
    } else {
      throw new Error('not an audit anchor export: each anchor needs an integer id and a hex hash');
    }
  };
  const e = json as { head?: unknown; anchors?: unknown } | null;
  if (!e || typeof e !== 'object' || !Array.isArray(e.anchors)) {
    throw new Error('not an audit anchor export: expected {"head", "anchors": [...]}');
  }
  if (e.head !== null && e.head !== undefined) take(e.head);
  for (const a of e.anchors) take(a);
  return out;
}
