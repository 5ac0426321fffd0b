import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { countByType, detectPhi } from '@voiceassist/phi';
import type { IngestOptions, IngestReport } from '../knowledge/ingest.js';
import type { KnowledgeBase } from '../knowledge/kb.js';
import type { NextcloudClient } from '../calendar/nextcloud-client.js';
import { diff, EMPTY_STATE, walk, type Changes, type SyncState } from './changes.js';

export type FolderSyncOptions = Readonly<{
  /** The Nextcloud folders chosen for indexing, e.g. ["/Guidelines"]. */
  roots: readonly string[];
  /** Where the last walk is remembered (JSON: paths, ETags, sizes; no content). */
  stateFile: string;
  /**
   * Where changed files are put for the ingestion pipeline, under their Nextcloud path (their
   * identity in the store); each is removed once ingested.
   */
  stagingDir: string;
  folderEtagsCoverSubtree: boolean;
  signal?: AbortSignal;
  onProgress?: IngestOptions['onProgress'];
}>;

export type SyncReport = Readonly<{
  changes: Changes;
  /** Folder listings the walk took. */
  requests: number;
  /** Files downloaded (only the added and changed ones). */
  downloaded: number;
  removed: number;
  /** Renamed or moved files given their new path in the store (not downloaded again when unchanged). */
  renamed: number;
  /**
   * Every file of the chosen folders known to hold patient identifiers (counts by kind), for the
   * Files view's flag. Text files are checked as they are downloaded; other formats are not yet.
   */
  phi: Readonly<Record<string, Readonly<Record<string, number>>>>;
  ingest: IngestReport | null;
}>;

type Kb = Pick<
  KnowledgeBase,
  'ingest' | 'removeSources' | 'renameSources' | 'unfinishedJobs' | 'resumeIngestion'
>;

/** Same ETag and size after a rename: the same bytes (Nextcloud and Apache keep the ETag). */
/** Formats whose bytes are their text: checked for patient identifiers as they are downloaded. */
const TEXT_FILE = /\.(?:md|markdown|txt|csv|tsv|json|html?|xml|ics|vcf)$/i;

const sameContent = (r: Changes['renamed'][number]) =>
  r.from.etag !== null && r.from.etag === r.to.etag && r.from.size === r.to.size;

async function readState(file: string): Promise<SyncState> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as SyncState;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_STATE;
    throw e;
  }
}

/** Written whole or not at all (temporary file, then rename): a kill never leaves half a state. */
async function writeState(file: string, state: SyncState): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, JSON.stringify(state), { mode: 0o600 });
  await rename(tmp, file);
}

/**
 * Keeps the knowledge store in step with the chosen Nextcloud folders: walk (ETags only), then
 * download and ingest only what was added or changed, remove what was deleted, and remember the
 * walk. The walk is remembered only after ingestion finished, so a sync killed at any point is
 * simply redone: files already ingested come back as "unchanged" (same path, same content hash)
 * and nothing is duplicated; an ingestion job left unfinished is resumed first. A renamed or
 * moved file is renamed in the store, not downloaded or embedded again.
 */
export async function syncFolders(
  client: Pick<NextcloudClient, 'listFolder' | 'download'>,
  kb: Kb,
  opts: FolderSyncOptions,
): Promise<SyncReport> {
  const progress = opts.onProgress ? { onProgress: opts.onProgress } : {};
  const signal = opts.signal ? { signal: opts.signal } : {};
  if (kb.unfinishedJobs().length > 0) await kb.resumeIngestion({ ...signal, ...progress });
  const previous = await readState(opts.stateFile);
  const { state, requests } = await walk(client, opts.roots, {
    folderEtagsCoverSubtree: opts.folderEtagsCoverSubtree,
    previous,
    ...signal,
  });
  const changes = diff(previous, state);
  const staged = (p: string) => path.join(opts.stagingDir, ...p.split('/').filter(Boolean));
  // A renamed file keeps its document (chunks, vectors) under the new path; only one whose
  // content changed too is downloaded, and ingestion then compares it with what is stored.
  const fetch = [
    ...changes.added,
    ...changes.changed,
    ...changes.renamed.filter((r) => !sameContent(r)).map((r) => r.to),
  ];
  const gone = changes.deleted;
  const written: string[] = [];
  try {
    const renamed = kb.renameSources(
      changes.renamed.map((r) => ({ from: staged(r.from.path), to: staged(r.to.path) })),
    );
    // Flags carried over: files still there (under their new name when renamed), minus those
    // downloaded again, which are checked afresh.
    const phi = new Map<string, Readonly<Record<string, number>>>();
    const renamedTo = new Map(changes.renamed.map((r) => [r.from.path, r.to.path]));
    for (const [p, counts] of Object.entries(previous.phi ?? {})) {
      const now = renamedTo.get(p) ?? p;
      if (state.files[now]) phi.set(now, counts);
    }
    for (const f of fetch) {
      opts.signal?.throwIfAborted();
      const { bytes } = await client.download(f.path);
      phi.delete(f.path);
      if (TEXT_FILE.test(f.path)) {
        const spans = detectPhi(new TextDecoder().decode(bytes));
        if (spans.length > 0) phi.set(f.path, countByType(spans));
      }
      const target = staged(f.path);
      await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      await writeFile(target, bytes, { mode: 0o600 });
      written.push(target);
    }
    const removed = kb.removeSources(gone.map((f) => staged(f.path)));
    const ingest =
      written.length > 0
        ? await kb.ingest(written, { source: 'nextcloud', ...signal, ...progress })
        : null;
    const flagged = Object.fromEntries(phi);
    if (!ingest?.cancelled) await writeState(opts.stateFile, { ...state, phi: flagged });
    return {
      changes,
      requests,
      downloaded: written.length,
      removed,
      renamed,
      phi: flagged,
      ingest,
    };
  } finally {
    await Promise.all(written.map((f) => rm(f, { force: true })));
  }
}
