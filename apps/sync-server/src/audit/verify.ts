import type pg from 'pg';
import { CANONICAL_COLUMNS, chainHash, GENESIS_HASH, type CanonicalRow } from './canonical.js';

export type VerifyResult =
  { ok: true; rows: number } | { ok: false; rows: number; firstBroken: number; reason: string };

/** A point of the chain kept outside the database (`audit export`). */
export type Anchor = Readonly<{ id: number; hash: string }>;

const PAGE = 2_000;

type Row = CanonicalRow & { prevHash: Buffer; hash: Buffer };

/**
 * Walks the whole chain in id order and recomputes every link. Names the first row that does
 * not verify: a row edited (its hash no longer matches its content), a row missing (ids must be
 * 1, 2, 3, …), a row inserted or rows reordered (its prev_hash is not the previous row's hash);
 * then checks the end of the log against the chain's head and against anchors exported earlier,
 * which is what reveals rows removed from the end.
 */
export async function verifyAuditLog(
  pool: pg.Pool,
  anchors: readonly Anchor[] = [],
): Promise<VerifyResult> {
  // One snapshot: rows appended while we read must not look like a head past the end.
  const c = await pool.connect();
  try {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    return await verifyIn(c, anchors);
  } finally {
    await c.query('ROLLBACK').catch(() => undefined);
    c.release();
  }
}

async function verifyIn(db: pg.ClientBase, anchors: readonly Anchor[]): Promise<VerifyResult> {
  const byId = new Map(anchors.map((a) => [a.id, a.hash.toLowerCase()]));
  let prev: Buffer = GENESIS_HASH;
  let expected = 1;
  let rows = 0;
  const broken = (firstBroken: number, reason: string): VerifyResult => ({
    ok: false,
    rows,
    firstBroken,
    reason,
  });
  for (;;) {
    const page = await db.query<Row>(
      `SELECT ${CANONICAL_COLUMNS} FROM audit_log WHERE id >= $1 ORDER BY audit_log.id LIMIT ${PAGE}`,
      [expected],
    );
    for (const r of page.rows) {
      rows++;
      const id = Number(r.id);
      if (id !== expected) {
        return broken(expected, `row ${expected} is missing (the next row is ${id})`);
      }
      if (!r.prevHash.equals(prev)) {
        return broken(
          id,
          `its prev_hash is not the hash of row ${id - 1} (rows inserted, removed or reordered)`,
        );
      }
      const h = chainHash(prev, r);
      if (!h.equals(r.hash)) return broken(id, 'its content does not match its hash (row edited)');
      const anchored = byId.get(id);
      if (anchored !== undefined && anchored !== h.toString('hex')) {
        return broken(id, 'its hash differs from the exported anchor (chain rewritten)');
      }
      prev = h;
      expected = id + 1;
    }
    if (page.rows.length < PAGE) break;
  }
  const last = expected - 1;
  const head = await db
    .query<{ id: string; hash: Buffer }>('SELECT id::text AS id, hash FROM audit_head')
    .then((r) => r.rows[0])
    .catch(() => undefined); // a role that may not read the head still verifies the chain
  if (head && Number(head.id) > last) {
    return broken(
      last + 1,
      `the log ends at row ${last} but its head is at row ${head.id} (rows removed from the end)`,
    );
  }
  if (head && Number(head.id) < last) {
    return broken(
      Number(head.id) + 1,
      `rows after the chain head (row ${head.id}) were added outside the chain`,
    );
  }
  if (head && Number(head.id) === last && !head.hash.equals(prev)) {
    return broken(last, 'the last row does not match the chain head (chain rewritten)');
  }
  const beyond = anchors.filter((a) => a.id > last).sort((a, b) => a.id - b.id)[0];
  if (beyond) {
    return broken(
      last + 1,
      `the exported anchor at row ${beyond.id} is past the end of the log (row ${last}): rows were removed from the end`,
    );
  }
  return { ok: true, rows };
}
