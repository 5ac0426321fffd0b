import { PHI_TYPES, detectPhi, type PhiSpan, type PhiType } from '@voiceassist/phi';
import type { Db } from '../store/database.js';

/**
 * Trusted sources are not patient text (#20). Reference documents are full of capitalised names
 * that are not patients ("Human Phenotype Ontology", "Gene Review"): scanned like a clinician's
 * note, they were pseudonymized into `[PATIENT_1]` and the LLM read nonsense. So each chunk is
 * scanned once, at ingest, in the detector's `balanced` mode — the mode @voiceassist/phi ships for
 * trusted sources (its README) — and the spans are kept beside the chunk (store migration 6).
 * A prompt then replaces only those spans in source text, and runs the strict detector on what
 * the clinician said.
 */
export const SOURCE_PHI_MODE = 'balanced' as const;
/** Recorded with every scan, so a later detector can tell which rows it did not write. */
export const SOURCE_DETECTOR = `phi:${SOURCE_PHI_MODE}`;

const TYPES: ReadonlySet<string> = new Set(PHI_TYPES);

/** Identifiers in a passage of a trusted source, as the sources mode finds them. */
export function scanSource(text: string): PhiSpan[] {
  return detectPhi(text, { mode: SOURCE_PHI_MODE });
}

/** `[[start, end, type], …]`: compact, and read back without trusting it blindly. */
function encode(spans: readonly PhiSpan[]): string {
  return JSON.stringify(spans.map((s) => [s.start, s.end, s.type]));
}

function decode(json: string, length: number): PhiSpan[] | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!Array.isArray(raw)) return undefined;
  const out: PhiSpan[] = [];
  for (const r of raw as unknown[]) {
    if (!Array.isArray(r)) return undefined;
    const [start, end, type] = r as unknown[];
    if (
      typeof start !== 'number' ||
      typeof end !== 'number' ||
      typeof type !== 'string' ||
      !TYPES.has(type) ||
      start < 0 ||
      end <= start ||
      end > length
    )
      return undefined; // damaged: scanned again
    out.push({ start, end, type: type as PhiType });
  }
  return out;
}

export interface BackfillProgress {
  readonly done: number;
  readonly total: number;
}

/** Chunks scanned per slice of the background backfill (a few ms each on this machine). */
const BACKFILL_SLICE = 50;

/** The identifier spans of stored chunks (table `chunk_phi`). */
export class SourcePhiRepository {
  constructor(private readonly db: Db) {}

  /**
   * Stores a chunk's spans (ingest calls it inside its transaction). A chunk another process
   * removed meanwhile is skipped, not an error.
   */
  put(chunkId: number, spans: readonly PhiSpan[]): void {
    this.db
      .prepare(
        `INSERT INTO chunk_phi (chunk_id, detector, spans)
         SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM chunks WHERE id = ?)
         ON CONFLICT (chunk_id) DO UPDATE SET detector = excluded.detector, spans = excluded.spans`,
      )
      .run(chunkId, SOURCE_DETECTOR, encode(spans), chunkId);
  }

  /**
   * The spans of each chunk, offsets into its text. A chunk ingested before spans were kept (or
   * whose row is damaged) is scanned now and its row written: nothing waits for the backfill.
   */
  spansFor(chunks: readonly { chunkId: number; text: string }[]): Map<number, PhiSpan[]> {
    const read = this.db.prepare('SELECT spans FROM chunk_phi WHERE chunk_id = ?');
    const out = new Map<number, PhiSpan[]>();
    for (const c of chunks) {
      const row = read.get(c.chunkId) as { spans: string } | undefined;
      let spans = row === undefined ? undefined : decode(row.spans, c.text.length);
      if (spans === undefined) {
        spans = scanSource(c.text);
        this.put(c.chunkId, spans);
      }
      out.set(c.chunkId, spans);
    }
    return out;
  }

  /** Chunks not scanned yet (ingested before migration 6). */
  pending(): number {
    return (
      this.db
        .prepare(
          'SELECT count(*) AS n FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM chunk_phi p WHERE p.chunk_id = c.id)',
        )
        .get() as { n: number }
    ).n;
  }

  /**
   * Scans every chunk that has no spans yet, a slice at a time with a turn of the event loop in
   * between (queries keep being answered), until done or aborted. Each slice is one transaction:
   * a kill loses at most the slice in flight, which the next open scans again.
   */
  async backfill(
    options: {
      readonly signal?: AbortSignal;
      readonly onProgress?: (p: BackfillProgress) => void;
    } = {},
  ): Promise<BackfillProgress> {
    const total = this.pending();
    let done = 0;
    const next = this.db.prepare(
      `SELECT c.id, c.text FROM chunks c
       WHERE NOT EXISTS (SELECT 1 FROM chunk_phi p WHERE p.chunk_id = c.id) ORDER BY c.id LIMIT ?`,
    );
    while (!options.signal?.aborted) {
      const rows = next.all(BACKFILL_SLICE) as { id: number; text: string }[];
      if (rows.length === 0) break;
      const scanned = rows.map((r) => [r.id, scanSource(r.text)] as const);
      this.db.transaction(() => {
        for (const [id, spans] of scanned) this.put(id, spans);
      })();
      done += rows.length;
      options.onProgress?.({ done: Math.min(done, total), total });
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { done: Math.min(done, total), total };
  }
}
