import type { FileEntry } from '@voiceassist/contract';
import type { NextcloudClient } from '../calendar/nextcloud-client.js';

/** What is remembered of one file between walks (never its content). */
export type FileState = Readonly<{
  path: string;
  etag: string | null;
  size: number;
  lastModified: string | null;
  /** Nextcloud's stable id (renames keep it); null on other DAV servers. */
  fileId: string | null;
}>;

/** The last walk of the folders chosen for indexing: per-file and per-folder ETags. */
export type SyncState = Readonly<{
  files: Readonly<Record<string, FileState>>;
  folders: Readonly<Record<string, string | null>>;
  /**
   * Files found to hold patient identifiers when they were downloaded: how many of each kind
   * (never the identifiers themselves), by path. Kept by syncFolders; the walk does not set it.
   */
  phi?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}>;

export const EMPTY_STATE: SyncState = { files: {}, folders: {} };

export type Changes = Readonly<{
  added: readonly FileState[];
  changed: readonly FileState[];
  deleted: readonly FileState[];
  renamed: readonly Readonly<{ from: FileState; to: FileState }>[];
}>;

export type WalkOptions = Readonly<{
  /**
   * Nextcloud changes a folder's ETag when anything below it changes, so an unchanged folder's
   * whole subtree is taken from the last walk without asking. Plain WebDAV servers (Apache
   * mod_dav) change it only for direct children: every folder is listed, files compared by ETag.
   */
  folderEtagsCoverSubtree: boolean;
  previous?: SyncState;
  signal?: AbortSignal;
  /** Folders deeper than this are not walked. */
  maxDepth?: number;
}>;

const toState = (e: FileEntry): FileState => ({
  path: e.path,
  etag: e.etag,
  size: e.size,
  lastModified: e.lastModified,
  fileId: e.fileId,
});

const under = (folder: string, p: string) =>
  folder === '/' ? p.startsWith('/') : p === folder || p.startsWith(`${folder}/`);

/**
 * Walks the chosen folders through the server (one PROPFIND of depth 1 per folder listed) and
 * returns what is there now, with how many listings it took. Nothing is downloaded: deciding
 * what to fetch is `diff`'s job, so an unchanged file is never fetched or re-embedded.
 */
export async function walk(
  client: Pick<NextcloudClient, 'listFolder'>,
  roots: readonly string[],
  opts: WalkOptions,
): Promise<{ state: SyncState; requests: number }> {
  const files: Record<string, FileState> = {};
  const folders: Record<string, string | null> = {};
  const prev = opts.previous ?? EMPTY_STATE;
  const maxDepth = opts.maxDepth ?? 40;
  let requests = 0;
  const queue: { path: string; depth: number; etag?: string | null }[] = roots.map((path) => ({
    path,
    depth: 0,
  }));
  for (let item = queue.shift(); item; item = queue.shift()) {
    opts.signal?.throwIfAborted();
    if (
      opts.folderEtagsCoverSubtree &&
      item.etag !== undefined &&
      item.etag !== null &&
      prev.folders[item.path] === item.etag
    ) {
      // Unchanged subtree (Nextcloud): carry it over from the last walk.
      for (const [p, f] of Object.entries(prev.files)) if (under(item.path, p)) files[p] = f;
      for (const [p, e] of Object.entries(prev.folders)) if (under(item.path, p)) folders[p] = e;
      continue;
    }
    const listing = await client.listFolder(item.path);
    requests++;
    folders[item.path] = listing.folder.etag;
    for (const e of listing.entries) {
      if (e.type === 'file') files[e.path] = toState(e);
      else if (item.depth < maxDepth) {
        queue.push({ path: e.path, depth: item.depth + 1, etag: e.etag });
      }
    }
  }
  return { state: { files, folders }, requests };
}

/** A rename keeps Nextcloud's file id; elsewhere the same ETag and size (Apache keeps both). */
function sameFile(a: FileState, b: FileState): boolean {
  if (a.fileId !== null && b.fileId !== null) return a.fileId === b.fileId;
  return a.etag !== null && a.etag === b.etag && a.size === b.size;
}

/** What changed between two walks: added, changed (new ETag), deleted and renamed files. */
export function diff(prev: SyncState, next: SyncState): Changes {
  const added: FileState[] = [];
  const changed: FileState[] = [];
  const gone: FileState[] = [];
  for (const [p, f] of Object.entries(next.files)) {
    const old = prev.files[p];
    if (!old) added.push(f);
    else if (old.etag !== f.etag || old.size !== f.size) changed.push(f);
  }
  for (const [p, f] of Object.entries(prev.files)) if (!next.files[p]) gone.push(f);
  const renamed: { from: FileState; to: FileState }[] = [];
  const deleted: FileState[] = [];
  for (const from of gone) {
    const i = added.findIndex((to) => sameFile(from, to));
    const to = i >= 0 ? added.splice(i, 1)[0] : undefined;
    if (to) renamed.push({ from, to });
    else deleted.push(from);
  }
  // Code-point order: the same on every machine, whatever its locale.
  const byPath = (a: FileState, b: FileState) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return {
    added: added.sort(byPath),
    changed: changed.sort(byPath),
    deleted: deleted.sort(byPath),
    renamed: renamed.sort((a, b) => byPath(a.to, b.to)),
  };
}
