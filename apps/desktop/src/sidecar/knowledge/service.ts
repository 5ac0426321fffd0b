import { createHash } from 'node:crypto';
import path from 'node:path';
import {
  EnvKeyStore,
  FileKeyStore,
  KeytarKeyStore,
  SafeStorageKeyStore,
  type KeyStore,
  type SafeStorageLike,
} from '../store/keystore.js';
import type { Embedder } from './embed/embedder.js';
import type { IngestOptions, IngestProgress, IngestReport } from './ingest.js';
import { KEY_FILE, openProfileKnowledgeBase, type KbLog, type KnowledgeBase } from './kb.js';

export const KEYCHAIN_SERVICE = 'VoiceAssist Workstation';

/**
 * Where the engine looks for a profile's store key, in order: the OS keychain (keytar), the
 * Electron safeStorage-wrapped key file (when main hands over the seam), VOICEASSIST_DB_KEY, and an
 * owner-only key file for web mode / CI. The first that holds the key wins; a new store's key goes
 * to the first writable one available. resolveDatabaseKey logs every step.
 */
function profileAccount(profileDir: string): string {
  const resolved = path.resolve(profileDir);
  return `${path.basename(resolved)}-${createHash('sha256').update(resolved).digest('hex').slice(0, 16)}`;
}

export function engineKeyStores(
  profileDir: string,
  env: NodeJS.ProcessEnv,
  safeStorage?: SafeStorageLike,
): KeyStore[] {
  return [
    // One keychain entry per profile folder: the basename alone would let two profiles named
    // alike share (and overwrite) one key, and the second would then fail with a wrong key.
    new KeytarKeyStore(KEYCHAIN_SERVICE, `knowledge:${profileAccount(profileDir)}`),
    ...(safeStorage
      ? [new SafeStorageKeyStore(path.join(profileDir, `${KEY_FILE}.safe`), safeStorage)]
      : []),
    new EnvKeyStore(env),
    new FileKeyStore(path.join(profileDir, KEY_FILE)),
  ];
}

export interface KnowledgeServiceOptions {
  readonly profileDir: string;
  readonly keyStores: readonly KeyStore[];
  readonly createEmbedder: () => Promise<Embedder>;
  readonly log: KbLog;
  /** Ingestion and re-embedding progress, e.g. broadcast as an RPC event to the Knowledge view. */
  readonly onProgress?: (p: IngestProgress) => void;
}

/**
 * The knowledge engine as the sidecar mounts it: opens the profile's store on first use (so the
 * engine starts without waiting for the model), one ingestion at a time, cancellable.
 */
export class KnowledgeService {
  private opening: Promise<{ kb: KnowledgeBase; embedder: Embedder }> | undefined;
  private running: AbortController | undefined;

  constructor(private readonly options: KnowledgeServiceOptions) {}

  open(): Promise<KnowledgeBase> {
    this.opening ??= (async () => {
      const embedder = await this.options.createEmbedder();
      try {
        const { kb } = await openProfileKnowledgeBase(
          this.options.profileDir,
          this.options.keyStores,
          {
            embedder,
            log: this.options.log,
          },
        );
        kb.warmSearch().catch((err: unknown) => {
          this.options.log.warn(
            `knowledge: keyword index build failed, full-text search answers instead: ${err instanceof Error ? err.message : String(err)}`,
          );
        });
        if (kb.unfinishedJobs().length > 0) {
          this.options.log.info('knowledge: resuming an interrupted ingestion');
          void this.track((signal) => kb.resumeIngestion({ signal, ...this.progress() }));
        }
        return { kb, embedder };
      } catch (err) {
        await embedder.close();
        this.opening = undefined;
        throw err;
      }
    })();
    return this.opening.then((o) => o.kb);
  }

  private progress(): Pick<IngestOptions, 'onProgress'> {
    return this.options.onProgress ? { onProgress: this.options.onProgress } : {};
  }

  private async track(run: (signal: AbortSignal) => Promise<IngestReport>): Promise<IngestReport> {
    if (this.running) throw new Error('An ingestion is already running; wait for it or cancel it.');
    const abort = new AbortController();
    this.running = abort;
    try {
      return await run(abort.signal);
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

  async close(): Promise<void> {
    this.running?.abort();
    const opened = await this.opening?.catch(() => undefined);
    this.opening = undefined;
    if (!opened) return;
    await opened.kb.close();
    await opened.embedder.close();
  }
}
