import type { IngestOptions, IngestProgress, IngestReport } from './ingest.js';
import type { KbLog, KnowledgeBase } from './kb.js';

export interface KnowledgeServiceOptions {
  /** The profile's knowledge base (opened once per process, profile.ts); never closed here. */
  readonly open: () => Promise<KnowledgeBase>;
  readonly log: KbLog;
  /** Ingestion and re-embedding progress, e.g. broadcast as an RPC event to the Knowledge view. */
  readonly onProgress?: (p: IngestProgress) => void;
}

/**
 * The knowledge engine as the sidecar mounts it: on first use it starts loading the search
 * indexes and resumes an interrupted ingestion; one ingestion at a time, cancellable.
 */
export class KnowledgeService {
  private opening: Promise<KnowledgeBase> | undefined;
  private running: AbortController | undefined;
  private runningDone: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: KnowledgeServiceOptions) {}

  open(): Promise<KnowledgeBase> {
    this.opening ??= this.options.open().then(
      (kb) => {
        kb.warmSearch().catch((err: unknown) => {
          this.options.log.warn(
            `knowledge: keyword index build failed, full-text search answers instead: ${err instanceof Error ? err.message : String(err)}`,
          );
        });
        if (kb.unfinishedJobs().length > 0) {
          this.options.log.info('knowledge: resuming an interrupted ingestion');
          void this.track((signal) => kb.resumeIngestion({ signal, ...this.progress() })).catch(
            () => undefined, // logged by the ingester; the next ingest resumes it again
          );
        }
        return kb;
      },
      (err: unknown) => {
        this.opening = undefined;
        throw err;
      },
    );
    return this.opening;
  }

  private progress(): Pick<IngestOptions, 'onProgress'> {
    return this.options.onProgress ? { onProgress: this.options.onProgress } : {};
  }

  private async track(run: (signal: AbortSignal) => Promise<IngestReport>): Promise<IngestReport> {
    if (this.running) throw new Error('An ingestion is already running; wait for it or cancel it.');
    const abort = new AbortController();
    this.running = abort;
    const done = run(abort.signal);
    this.runningDone = done.catch(() => undefined);
    try {
      return await done;
    } finally {
      this.running = undefined;
    }
  }

  async ingest(
    paths: readonly string[],
    options: Pick<IngestOptions, 'tags' | 'source'> = {},
  ): Promise<IngestReport> {
    const kb = await this.open();
    return this.track((signal) => kb.ingest(paths, { ...options, signal, ...this.progress() }));
  }

  /** Stops the running ingestion after the current document; finished documents stay. */
  cancelIngestion(): boolean {
    if (!this.running) return false;
    this.running.abort();
    return true;
  }

  /** Stops a running ingestion and waits for it; the knowledge base belongs to the profile. */
  async close(): Promise<void> {
    this.running?.abort();
    await this.opening?.catch(() => undefined);
    await this.runningDone;
    this.opening = undefined;
  }
}
