import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { EventName, EventPayload } from '../../shared/contract.js';
import { CodedError } from '../../shared/errors.js';
import {
  PASSAGE_CONTEXT,
  type FileError,
  type ProgressEvent,
  type SourceRow,
} from '../../shared/knowledge.js';
import { codedStoreError, type ProfileHandle } from '../profile-handle.js';
import type { Handlers } from '../rpc/server.js';
import type { IngestProgress, IngestReport } from './ingest.js';
import type { KnowledgeBase } from './kb.js';
import { manager } from './manager-rpc.js';
import { KnowledgeService } from './service.js';

type KnowledgeCall =
  | 'knowledge.remove'
  | 'knowledge.reindex'
  | 'knowledge.upload'
  | 'knowledge.document'
  | 'knowledge.ingest'
  | 'knowledge.cancelIngest'
  | 'knowledge.sources'
  | 'knowledge.search'
  | 'knowledge.ask'
  | 'knowledge.passage';

type Emit = <N extends EventName>(name: N, payload: EventPayload<N>) => void;

const MAX_LISTED_ERRORS = 200;

function fileErrors(report: IngestReport): FileError[] {
  return report.files
    .filter((f) => f.outcome === 'skipped')
    .slice(0, MAX_LISTED_ERRORS)
    .map((f) => ({
      path: f.path,
      code: f.code ?? 'INGEST_FAILED',
      reason: (f.reason ?? 'The file could not be read.').slice(0, 1024),
    }));
}

/**
 * The Knowledge view's calls over the engine's profile (no profile folder → KB_NOT_AVAILABLE). The
 * store opens on first use; ingestion runs in the background, reported through
 * `knowledge.progress` events, one run at a time.
 */
export class KnowledgeRpc {
  private readonly service: KnowledgeService;
  private running: Promise<void> | undefined;
  /** Files the last run skipped, shown in the sources list with their reason. */
  private lastErrors: FileError[] = [];

  constructor(
    private readonly profiles: ProfileHandle,
    private readonly log: Logger,
    private readonly emit: Emit,
  ) {
    this.service = new KnowledgeService({
      open: async () => {
        const profile = await this.profiles.get();
        if (!profile)
          throw new CodedError(
            'KB_NOT_AVAILABLE',
            'The knowledge store is not available: the engine has no profile folder (VOICEASSIST_PROFILE_DIR).',
          );
        return profile.knowledge;
      },
      log: { info: (m) => this.log.info(m), warn: (m) => this.log.warn(m) },
      onProgress: (p) => this.progress(p),
    });
  }

  private async kb(): Promise<KnowledgeBase> {
    try {
      return await this.service.open();
    } catch (err) {
      throw codedStoreError(
        err,
        'The knowledge store could not be opened; details are in the engine log.',
      );
    }
  }

  private progress(p: IngestProgress): void {
    if (p.phase === 'done' || p.phase === 'cancelled') return; // the run's end event carries the report
    this.emit('knowledge.progress', {
      phase: p.phase,
      filesTotal: p.filesTotal,
      filesDone: p.filesDone,
      filesSkipped: p.filesSkipped,
      chunksDone: p.chunksDone,
      etaMs: p.etaMs,
      currentFile: p.currentFile ?? null,
      errors: [],
    });
  }

  async ingest(paths: readonly string[], tags?: readonly string[]) {
    for (const p of paths)
      if (!path.isAbsolute(p) || p.includes('\0'))
        throw new CodedError(
          'KB_PATH_INVALID',
          'Give full paths to files or folders on this computer (for example /home/me/notes).',
        );
    if (this.running)
      throw new CodedError('KB_BUSY', 'An ingestion is already running; wait for it or cancel it.');
    for (const p of paths)
      if (!existsSync(p))
        throw new CodedError(
          'KB_PATH_NOT_FOUND',
          `Nothing was found at ${p.slice(0, 300)}: check the path and try again.`,
        );
    await this.kb();
    const service = this.service;
    const started: ProgressEvent = {
      phase: 'scanning',
      filesTotal: 0,
      filesDone: 0,
      filesSkipped: 0,
      chunksDone: 0,
      etaMs: null,
      currentFile: null,
      errors: [],
    };
    this.emit('knowledge.progress', started);
    this.running = service
      .ingest(paths, tags ? { tags } : {})
      .then((report) => {
        this.lastErrors = fileErrors(report);
        this.log.info(
          { added: report.added, skipped: report.skipped, chunks: report.chunks },
          'knowledge ingestion finished',
        );
        this.emit('knowledge.progress', {
          phase: report.cancelled ? 'cancelled' : 'done',
          filesTotal: report.files.length,
          filesDone: report.files.length - report.skipped,
          filesSkipped: report.skipped,
          chunksDone: report.chunks,
          etaMs: 0,
          currentFile: null,
          errors: this.lastErrors,
        });
      })
      .catch((err: unknown) => {
        const e = codedStoreError(
          err,
          'The ingestion stopped with an error; details are in the engine log.',
        );
        this.log.error({ code: e.code }, 'knowledge ingestion failed');
        this.emit('knowledge.progress', {
          ...started,
          phase: 'failed',
          errors: [],
          error: { code: e.code, message: e.message.slice(0, 1024) },
        });
      })
      .finally(() => {
        this.running = undefined;
      });
    return { started: true, paths: paths.length };
  }

  async sources() {
    const kb = await this.kb();
    const docs = kb.sources();
    const rows: SourceRow[] = docs.map((d) => ({
      documentId: d.documentId,
      title: d.title.slice(0, 1024),
      sourcePath: d.sourcePath,
      kind: d.kind.slice(0, 32),
      chunks: d.chunks,
      ingestedAt: d.ingestedAt,
      status: 'ready',
    }));
    // A duplicate is information (the content is already there), not a failed source.
    for (const e of this.lastErrors.filter((x) => x.code !== 'INGEST_DUPLICATE'))
      rows.push({
        documentId: null,
        title: path.basename(e.path),
        sourcePath: e.path,
        kind: path.extname(e.path).slice(1, 33),
        chunks: 0,
        ingestedAt: null,
        status: 'failed',
        code: e.code,
        reason: e.reason,
      });
    return {
      sources: rows,
      documents: docs.length,
      chunks: docs.reduce((n, d) => n + d.chunks, 0),
      ingesting: this.running !== undefined,
    };
  }

  handlers(): Pick<Handlers, KnowledgeCall> {
    return {
      ...manager({
        kb: () => this.kb(),
        ingest: (paths) => this.ingest(paths),
        profileDir: () => this.profiles.dir,
        busy: () => this.running !== undefined,
      }),
      'knowledge.ingest': ({ paths, tags }) => this.ingest(paths, tags),
      'knowledge.cancelIngest': () => ({
        cancelled: this.service.cancelIngestion(),
      }),
      'knowledge.sources': () => this.sources(),
      'knowledge.search': async ({ query, k, filters }) => {
        const kb = await this.kb();
        const result = await kb.search(query, {
          k: k ?? 10,
          ...(filters ? { filter: filters } : {}),
        });
        return {
          vectorSearch: result.vectorSearch,
          hits: result.hits.map((h) => ({
            documentId: h.documentId,
            chunkId: h.chunkId,
            title: h.title,
            sourcePath: h.sourcePath,
            heading: h.heading,
            page: h.page,
            start: h.start,
            end: h.end,
            text: h.text.slice(0, 20000),
            score: h.score,
          })),
        };
      },
      'knowledge.ask': async ({ question }) => {
        const kb = await this.kb();
        const a = await kb.answer(question);
        return {
          answer: a.answer,
          covered: a.covered,
          confidence: a.confidence,
          ...(a.notice ? { notice: a.notice.slice(0, 1024) } : {}),
          generator: a.generator,
          sources: a.sources.map((s) => ({ ...s })),
          sentences: a.sentences.map((s) => ({
            text: s.text,
            citations: s.citations.map((c) => ({
              documentId: c.documentId,
              chunkId: c.chunkId,
              title: c.title,
              sourcePath: c.sourcePath,
              start: c.start,
              end: c.end,
              page: c.page,
            })),
          })),
        };
      },
      'knowledge.passage': async ({ documentId, sourcePath, start, end }) => {
        const kb = await this.kb();
        const id = documentId ?? kb.sources().find((s) => s.sourcePath === sourcePath)?.documentId;
        const doc = id === undefined ? undefined : kb.documentText(id);
        if (id === undefined || !doc)
          throw new CodedError(
            'KB_NOT_FOUND',
            'That source is no longer in the knowledge store; it may have been removed or re-ingested.',
          );
        const length = doc.text.length;
        if (end < start || end > length)
          throw new CodedError('KB_SPAN_INVALID', 'The cited span lies outside the document.');
        // A very long span is cut to its first 20,000 characters (the contract's limit).
        const spanEnd = Math.min(end, start + 20000);
        const from = Math.max(0, start - PASSAGE_CONTEXT);
        const textEnd = Math.min(length, spanEnd + PASSAGE_CONTEXT);
        return {
          documentId: id,
          title: doc.title,
          heading: kb.sectionAt(id, start).slice(0, 1024),
          sourcePath: doc.sourcePath,
          text: doc.text.slice(from, textEnd),
          textStart: from,
          start,
          end: spanEnd,
          documentLength: length,
        };
      },
    };
  }

  async close(): Promise<void> {
    await this.service.close();
  }
}
