import type { Db } from './database.js';

/**
 * In-memory search structures derived from the store (the keyword index, the binary vector
 * matrix) and how they stay in step with it: the store's triggers append every chunk insert and
 * delete to `chunk_changes` in the writer's own transaction, and each structure applies the log
 * from its last position before it answers, so writes from any handle or process are seen on the
 * next query (the CLI may write while the app runs). The store stays the source of truth; a
 * structure that fell too far behind is rebuilt while the store's own indexes (FTS5, sqlite-vec)
 * answer.
 */

/** `current`: matches the store. `slow`: matches it but is worth rebuilding. `behind`: rebuild before use. */
export type SyncState = 'current' | 'slow' | 'behind';

export interface SyncedIndex {
  catchUp(db: Db): SyncState;
}

export interface ChunkChange {
  seq: number;
  chunk_id: number;
  op: 'add' | 'del';
}

/** More pending changes than this are cheaper to absorb by rebuilding. */
const MAX_INCREMENTAL = 20_000;

/** The last sequence number the change log ever handed out (the log itself may be pruned empty). */
export function lastChangeSeq(db: Db): number {
  const row = db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'chunk_changes'`).get() as
    { seq: number } | undefined;
  return row?.seq ?? 0;
}

/**
 * The changes after `seq` in order, `[]` when there are none, or `behind` when the log no longer
 * holds all of them (pruned) or they are too many to apply one by one.
 */
export function changesSince(db: Db, seq: number): ChunkChange[] | 'behind' {
  const hi = lastChangeSeq(db);
  if (hi <= seq) return [];
  const lo = (db.prepare('SELECT min(seq) AS lo FROM chunk_changes').get() as { lo: number | null })
    .lo;
  if (lo === null || lo > seq + 1 || hi - seq > MAX_INCREMENTAL) return 'behind';
  return db
    .prepare('SELECT seq, chunk_id, op FROM chunk_changes WHERE seq > ? ORDER BY seq')
    .all(seq) as ChunkChange[];
}

export interface IndexBuilder<T extends SyncedIndex> {
  /** Builds now (small stores). */
  build(db: Db): T;
  /** Builds in steps that yield to the event loop. */
  buildInBackground(db: Db, signal: AbortSignal): Promise<T>;
  /** Size of the store for this structure: up to `inlineMax` it is built on the first query. */
  size(db: Db): number;
  readonly inlineMax: number;
}

/**
 * Holds one derived structure for the knowledge base that owns it (one per profile, profile.ts):
 * builds it on first use (small stores inline, large ones in the background while the store's
 * own index answers) and keeps it in step with the change log.
 */
export class SyncedIndexHolder<T extends SyncedIndex> {
  private index: T | undefined;
  private building: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(private readonly builder: IndexBuilder<T>) {}

  /** Stops a background build and drops the structure. */
  close(): void {
    this.abort.abort();
    this.index = undefined;
  }

  /**
   * The structure, up to date with the store, or undefined while it is (re)built in the
   * background (callers then use the store's own index).
   */
  current(db: Db): T | undefined {
    if (this.index) {
      const state = this.index.catchUp(db);
      if (state === 'current') return this.index;
      this.rebuild(db);
      return state === 'slow' ? this.index : undefined;
    }
    if (!this.building && this.builder.size(db) <= this.builder.inlineMax) {
      this.index = this.builder.build(db);
      return this.index;
    }
    this.rebuild(db);
    return undefined;
  }

  /** Resolves once the structure is built (or at once when it is current). */
  async ready(db: Db): Promise<void> {
    if (this.index?.catchUp(db) === 'current') return;
    this.rebuild(db);
    await this.building;
  }

  private rebuild(db: Db): void {
    this.building ??= (async () => {
      try {
        this.index = await this.builder.buildInBackground(db, this.abort.signal);
      } catch (err) {
        if (!this.abort.signal.aborted) throw err;
      } finally {
        this.building = undefined;
      }
    })();
    this.building.catch(() => undefined); // the store's own index keeps answering; the next query retries
  }
}

/**
 * Reads `select` (a query with one `?` for "key greater than", ordered by that key) page by page
 * for a background build, handing each row to `visit` and letting the event loop run between
 * pages.
 */
export async function readInPages<R>(
  db: Db,
  select: string,
  pageSize: number,
  keyOf: (row: R) => number,
  visit: (row: R) => void,
  signal?: AbortSignal,
): Promise<void> {
  const page = db.prepare(`${select} LIMIT ${pageSize}`);
  for (let after = 0; ;) {
    signal?.throwIfAborted();
    const rows = page.all(after) as R[];
    for (const row of rows) visit(row);
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    after = keyOf(last);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
