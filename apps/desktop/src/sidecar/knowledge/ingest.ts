import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Db } from '../store/database.js';
import { IngestSkip, type IngestSkipCode } from '../store/errors.js';
import { CHUNK_LOG_KEEP } from '../store/migrations.js';
import type { VectorIndex } from '../store/vectors.js';
import { chunkDocument, embeddingText, type Chunk } from './chunk.js';
import type { Embedder } from './embed/embedder.js';
import { chunkTitle } from './lexical.js';
import { parseDocument, type ParsedDocument } from './parse/index.js';
import { SourcePhiRepository, scanSource } from './source-phi.js';
import { collectFiles } from './walk.js';

export interface IngestLimits {
  /** Larger files are skipped with INGEST_TOO_LARGE before being read. */
  readonly maxFileBytes: number;
  readonly maxPdfPages: number;
  readonly maxDepth: number;
}

export const DEFAULT_LIMITS: IngestLimits = {
  maxFileBytes: 200 * 1024 * 1024,
  maxPdfPages: 5_000,
  maxDepth: 40,
};

export interface IngestOptions {
  /** Where documents come from, for filtering: `local` (default), `clinic`, … */
  readonly source?: string;
  readonly tags?: readonly string[];
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: IngestProgress) => void;
  readonly limits?: Partial<IngestLimits>;
  readonly cwd?: string;
}

export interface IngestProgress {
  readonly jobId: number;
  readonly phase: 'scanning' | 'ingesting' | 'done' | 'cancelled';
  readonly filesTotal: number;
  readonly filesDone: number;
  readonly filesSkipped: number;
  readonly chunksDone: number;
  /** Estimated time left from the pace so far; null until one file has been processed. */
  readonly etaMs: number | null;
  readonly currentFile?: string;
}

export type FileOutcome = 'added' | 'updated' | 'unchanged' | 'skipped';

export interface IngestFileResult {
  readonly path: string;
  readonly outcome: FileOutcome;
  readonly chunks: number;
  readonly code?: IngestSkipCode;
  readonly reason?: string;
}

export interface IngestTimings {
  parseMs: number;
  embedMs: number;
  storeMs: number;
}

export interface IngestReport {
  readonly jobIds: number[];
  readonly files: IngestFileResult[];
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly skipped: number;
  readonly chunks: number;
  readonly ignored: number;
  readonly cancelled: boolean;
  readonly timings: IngestTimings;
}

interface JobOptions {
  source: string;
  tags: string[];
  limits: IngestLimits;
}

interface JobFileRow {
  ord: number;
  path: string;
  state: 'pending' | 'done' | 'skipped';
  outcome: FileOutcome | null;
  code: IngestSkipCode | null;
  reason: string | null;
}

const now = (): string => new Date().toISOString();

/**
 * Files → parsed text → sentence-aware chunks → vectors → one transaction per document. A job
 * table lists every file of a run before work starts, and each document's commit also marks its
 * file done, so a killed process resumes where it stopped and never shows half a document.
 */
export class Ingester {
  private readonly phi: SourcePhiRepository;

  constructor(
    private readonly db: Db,
    private readonly vectors: VectorIndex,
    private readonly embedder: Embedder,
  ) {
    this.phi = new SourcePhiRepository(db);
  }

  /** Unfinished jobs (the process was killed or crashed during them). */
  unfinishedJobs(): number[] {
    return (
      this.db.prepare(`SELECT id FROM ingest_jobs WHERE state = 'running' ORDER BY id`).all() as {
        id: number;
      }[]
    ).map((r) => r.id);
  }

  async ingest(inputs: readonly string[], options: IngestOptions = {}): Promise<IngestReport> {
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    const walk = await collectFiles(inputs, {
      cwd: options.cwd ?? process.cwd(),
      maxDepth: limits.maxDepth,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const jobOptions: JobOptions = {
      source: options.source ?? 'local',
      tags: [...(options.tags ?? [])],
      limits,
    };
    const jobId = this.db.transaction(() => {
      const id = Number(
        this.db
          .prepare(`INSERT INTO ingest_jobs (state, options, created_at) VALUES ('running', ?, ?)`)
          .run(JSON.stringify(jobOptions), now()).lastInsertRowid,
      );
      const insert = this.db.prepare(
        `INSERT INTO ingest_job_files (job_id, ord, path, state, outcome, code, reason) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      );
      let ord = 0;
      for (const s of walk.skipped)
        insert.run(id, ord++, s.path, 'skipped', 'skipped', s.code, s.reason);
      for (const f of walk.files) insert.run(id, ord++, f, 'pending', null, null, null);
      return id;
    })();
    const report = await this.runJob(jobId, options);
    return { ...report, ignored: walk.ignored };
  }

  /** Finishes every job a previous process left unfinished. */
  async resume(options: Pick<IngestOptions, 'signal' | 'onProgress'> = {}): Promise<IngestReport> {
    const reports: IngestReport[] = [];
    for (const id of this.unfinishedJobs()) {
      reports.push(await this.runJob(id, options));
      if (options.signal?.aborted) break;
    }
    return mergeReports(reports);
  }

  private async runJob(
    jobId: number,
    options: Pick<IngestOptions, 'signal' | 'onProgress'>,
  ): Promise<IngestReport> {
    const job = this.db.prepare('SELECT options FROM ingest_jobs WHERE id = ?').get(jobId) as
      { options: string } | undefined;
    if (!job) throw new Error(`ingest job ${jobId} not found`);
    const jobOptions = JSON.parse(job.options) as JobOptions;
    const rows = this.db
      .prepare(
        'SELECT ord, path, state, outcome, code, reason FROM ingest_job_files WHERE job_id = ? ORDER BY ord',
      )
      .all(jobId) as JobFileRow[];
    const slot = this.vectors.ensureSlot(this.embedder.id, this.embedder.dimension).slot;
    const timings: IngestTimings = { parseMs: 0, embedMs: 0, storeMs: 0 };
    const results: IngestFileResult[] = [];
    const markSkipped = this.db.prepare(
      `UPDATE ingest_job_files SET state = 'skipped', outcome = 'skipped', code = ?, reason = ? WHERE job_id = ? AND ord = ?`,
    );
    const markDone = this.db.prepare(
      `UPDATE ingest_job_files SET state = 'done', outcome = ? WHERE job_id = ? AND ord = ?`,
    );
    let filesDone = 0;
    let filesSkipped = 0;
    let chunksDone = 0;
    for (const r of rows) {
      if (r.state === 'pending') continue;
      filesDone++;
      if (r.state === 'skipped') {
        filesSkipped++;
        results.push({
          path: r.path,
          outcome: 'skipped',
          chunks: 0,
          code: r.code ?? 'INGEST_FAILED',
          reason: r.reason ?? '',
        });
      } else results.push({ path: r.path, outcome: r.outcome ?? 'added', chunks: 0 });
    }
    const pending = rows.filter((r) => r.state === 'pending');
    const started = performance.now();
    let processedHere = 0;
    const progress = (phase: IngestProgress['phase'], currentFile?: string): void => {
      const elapsed = performance.now() - started;
      const remaining = rows.length - filesDone;
      options.onProgress?.({
        jobId,
        phase,
        filesTotal: rows.length,
        filesDone,
        filesSkipped,
        chunksDone,
        etaMs: processedHere > 0 ? Math.round((elapsed / processedHere) * remaining) : null,
        ...(currentFile ? { currentFile } : {}),
      });
    };
    progress('ingesting');
    let cancelled = false;
    for (const row of pending) {
      if (options.signal?.aborted) {
        cancelled = true;
        break;
      }
      progress('ingesting', row.path);
      let result: IngestFileResult;
      try {
        result = await this.ingestFile(
          row,
          jobId,
          slot,
          jobOptions,
          timings,
          markDone,
          options.signal,
        );
      } catch (err) {
        if (options.signal?.aborted) {
          cancelled = true;
          break;
        }
        const skip =
          err instanceof IngestSkip
            ? err
            : new IngestSkip('INGEST_FAILED', err instanceof Error ? err.message : String(err));
        markSkipped.run(skip.code, skip.message, jobId, row.ord);
        result = {
          path: row.path,
          outcome: 'skipped',
          chunks: 0,
          code: skip.code,
          reason: skip.message,
        };
        filesSkipped++;
      }
      results.push(result);
      filesDone++;
      processedHere++;
      chunksDone += result.chunks;
      await yieldToLoop(); // lets an abort (or a kill signal handler) in between documents
    }
    this.db
      .prepare('UPDATE ingest_jobs SET state = ?, finished_at = ? WHERE id = ?')
      .run(cancelled ? 'cancelled' : 'done', now(), jobId);
    this.db
      .prepare('DELETE FROM chunk_changes WHERE seq <= (SELECT max(seq) FROM chunk_changes) - ?')
      .run(CHUNK_LOG_KEEP);
    progress(cancelled ? 'cancelled' : 'done');
    return summarize([jobId], results, cancelled, timings);
  }

  private async ingestFile(
    row: JobFileRow,
    jobId: number,
    slot: number,
    job: JobOptions,
    timings: IngestTimings,
    markDone: { run: (...args: unknown[]) => unknown },
    signal: AbortSignal | undefined,
  ): Promise<IngestFileResult> {
    const file = row.path;
    let t = performance.now();
    let bytes: Buffer;
    try {
      const st = await fs.stat(file);
      if (st.size > job.limits.maxFileBytes)
        throw new IngestSkip(
          'INGEST_TOO_LARGE',
          `${st.size} bytes, more than the limit of ${job.limits.maxFileBytes}`,
        );
      bytes = await fs.readFile(file);
    } catch (err) {
      if (err instanceof IngestSkip) throw err;
      throw new IngestSkip('INGEST_UNREADABLE', err instanceof Error ? err.message : String(err));
    }
    const hash = createHash('sha256').update(bytes).digest('hex');
    const existing = this.db
      .prepare('SELECT id, content_hash FROM documents WHERE source_path = ?')
      .get(file) as { id: number; content_hash: string } | undefined;
    if (existing?.content_hash === hash) {
      markDone.run('unchanged', jobId, row.ord);
      return { path: file, outcome: 'unchanged', chunks: 0 };
    }
    const twin = this.db
      .prepare('SELECT source_path FROM documents WHERE content_hash = ? AND source_path <> ?')
      .get(hash, file) as { source_path: string } | undefined;
    if (twin) throw new IngestSkip('INGEST_DUPLICATE', `same content as ${twin.source_path}`);

    const parsed = await parseDocument(file, bytes, job.limits);
    const title = parsed.title ?? path.basename(file, path.extname(file));
    const chunks = chunkDocument(parsed);
    // Identifiers in the source, for prompts to replace (and only those): see source-phi.ts.
    const phiSpans = chunks.map((c) => scanSource(c.text));
    timings.parseMs += performance.now() - t;

    t = performance.now();
    const vectors = await this.embedChunks(title, chunks, signal);
    timings.embedMs += performance.now() - t;

    t = performance.now();
    this.db.transaction(() => {
      // Looked up again inside the transaction: another process may have written it meanwhile.
      const current = this.db
        .prepare('SELECT id FROM documents WHERE source_path = ?')
        .get(file) as { id: number } | undefined;
      if (current) this.deleteDocument(current.id);
      const docId = this.insertDocument(
        file,
        title,
        parsed,
        hash,
        bytes.length,
        chunks.length,
        job,
      );
      const insertChunk = this.db.prepare(
        `INSERT INTO chunks (document_id, ord, heading, text, start, "end", page) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      );
      const insertFts = this.db.prepare(
        'INSERT INTO chunks_fts (rowid, title, body) VALUES (?, ?, ?)',
      );
      chunks.forEach((c, i) => {
        const id = Number(
          insertChunk.run(docId, c.ord, c.heading, c.text, c.start, c.end, c.page).lastInsertRowid,
        );
        insertFts.run(id, chunkTitle(title, c.heading), c.text);
        this.phi.put(id, phiSpans[i] ?? []);
        const vector = vectors[i];
        if (vector) this.vectors.put(slot, id, vector);
      });
      markDone.run(existing ? 'updated' : 'added', jobId, row.ord);
    })();
    timings.storeMs += performance.now() - t;
    return { path: file, outcome: existing ? 'updated' : 'added', chunks: chunks.length };
  }

  private async embedChunks(
    title: string,
    chunks: readonly Chunk[],
    signal: AbortSignal | undefined,
  ): Promise<Float32Array[]> {
    const texts = chunks.map((c) => embeddingText(title, c.heading, c.text));
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.embedder.maxBatchSize) {
      signal?.throwIfAborted();
      out.push(
        ...(await this.embedder.embed(texts.slice(i, i + this.embedder.maxBatchSize), signal)),
      );
    }
    for (const v of out)
      if (v.length !== this.embedder.dimension)
        throw new Error(
          `embedder ${this.embedder.id} returned ${v.length} values, expected ${this.embedder.dimension}`,
        );
    return out;
  }

  private insertDocument(
    file: string,
    title: string,
    parsed: ParsedDocument,
    hash: string,
    size: number,
    chunkCount: number,
    job: JobOptions,
  ): number {
    const docId = Number(
      this.db
        .prepare(
          `INSERT INTO documents (source_path, folder, source, title, kind, content_hash, size_bytes, text, pages, chunk_count, ingested_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          file,
          path.dirname(file),
          job.source,
          title,
          parsed.kind,
          hash,
          size,
          parsed.text,
          parsed.pageStarts ? JSON.stringify(parsed.pageStarts) : null,
          chunkCount,
          now(),
        ).lastInsertRowid,
    );
    const tag = this.db.prepare(
      'INSERT OR IGNORE INTO document_tags (document_id, tag) VALUES (?, ?)',
    );
    for (const t of job.tags) tag.run(docId, t);
    return docId;
  }

  /** Removes a document with its chunks, full-text rows and vectors (inside the caller's transaction). */
  deleteDocument(docId: number): void {
    const ids = (
      this.db.prepare('SELECT id FROM chunks WHERE document_id = ?').all(docId) as { id: number }[]
    ).map((r) => r.id);
    const fts = this.db.prepare('DELETE FROM chunks_fts WHERE rowid = ?');
    for (const id of ids) fts.run(id);
    this.vectors.deleteChunks(ids);
    this.db.prepare('DELETE FROM documents WHERE id = ?').run(docId);
  }
}

function summarize(
  jobIds: number[],
  files: IngestFileResult[],
  cancelled: boolean,
  timings: IngestTimings,
): IngestReport {
  const count = (o: FileOutcome): number => files.filter((f) => f.outcome === o).length;
  return {
    jobIds,
    files,
    added: count('added'),
    updated: count('updated'),
    unchanged: count('unchanged'),
    skipped: count('skipped'),
    chunks: files.reduce((n, f) => n + f.chunks, 0),
    ignored: 0,
    cancelled,
    timings,
  };
}

export function mergeReports(reports: readonly IngestReport[]): IngestReport {
  const timings: IngestTimings = { parseMs: 0, embedMs: 0, storeMs: 0 };
  for (const r of reports) {
    timings.parseMs += r.timings.parseMs;
    timings.embedMs += r.timings.embedMs;
    timings.storeMs += r.timings.storeMs;
  }
  const merged = summarize(
    reports.flatMap((r) => r.jobIds),
    reports.flatMap((r) => r.files),
    reports.some((r) => r.cancelled),
    timings,
  );
  return { ...merged, ignored: reports.reduce((n, r) => n + r.ignored, 0) };
}
