import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { IngestSkipCode } from '../store/errors.js';
import { kindOf } from './parse/index.js';

export interface WalkSkip {
  readonly path: string;
  readonly code: IngestSkipCode;
  readonly reason: string;
}

export interface WalkResult {
  /** Absolute paths of supported files, in a stable order, each real file once. */
  readonly files: string[];
  readonly skipped: WalkSkip[];
  /** Files inside folders whose type is not supported (images, archives…): counted, not listed. */
  readonly ignored: number;
}

function errnoReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'not found (or a dangling link)';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'symbolic link loop';
  return err instanceof Error ? err.message : String(err);
}

/**
 * Expands files and folders into the files to ingest. Iterative (deep trees cannot overflow the
 * stack); folders are identified by real path so symlink loops are reported once and not followed;
 * hidden entries are skipped.
 */
export async function collectFiles(
  inputs: readonly string[],
  options: { cwd: string; maxDepth: number; signal?: AbortSignal },
): Promise<WalkResult> {
  const files: string[] = [];
  const skipped: WalkSkip[] = [];
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();
  let ignored = 0;

  const addFile = async (file: string, explicit: boolean): Promise<void> => {
    if (!kindOf(file)) {
      if (explicit)
        skipped.push({ path: file, code: 'INGEST_UNSUPPORTED', reason: `unsupported file type` });
      else ignored++;
      return;
    }
    const real = await fs.realpath(file);
    if (seenFiles.has(real)) return; // the same file through another link
    seenFiles.add(real);
    files.push(file);
  };

  for (const input of inputs) {
    const root = path.resolve(options.cwd, input);
    const stack: { dir: string; depth: number }[] = [];
    try {
      const st = await fs.stat(root);
      if (st.isDirectory()) stack.push({ dir: root, depth: 0 });
      else if (st.isFile()) await addFile(root, true);
      else skipped.push({ path: root, code: 'INGEST_UNSUPPORTED', reason: 'not a regular file' });
    } catch (err) {
      const code =
        (err as NodeJS.ErrnoException).code === 'ELOOP'
          ? 'INGEST_SYMLINK_LOOP'
          : 'INGEST_UNREADABLE';
      skipped.push({ path: root, code, reason: errnoReason(err) });
    }
    for (let next = stack.pop(); next; next = stack.pop()) {
      options.signal?.throwIfAborted();
      const { dir, depth } = next;
      let real: string;
      try {
        real = await fs.realpath(dir);
      } catch (err) {
        skipped.push({ path: dir, code: 'INGEST_SYMLINK_LOOP', reason: errnoReason(err) });
        continue;
      }
      if (seenDirs.has(real)) {
        skipped.push({
          path: dir,
          code: 'INGEST_SYMLINK_LOOP',
          reason:
            'folder already visited through a symbolic link (loop or duplicate); not followed',
        });
        continue;
      }
      seenDirs.add(real);
      if (depth > options.maxDepth) {
        skipped.push({
          path: dir,
          code: 'INGEST_TOO_DEEP',
          reason: `more than ${options.maxDepth} folders deep; not descended`,
        });
        continue;
      }
      let entries: string[];
      try {
        entries = (await fs.readdir(dir)).filter((n) => !n.startsWith('.')).sort();
      } catch (err) {
        skipped.push({ path: dir, code: 'INGEST_UNREADABLE', reason: errnoReason(err) });
        continue;
      }
      const subdirs: string[] = [];
      for (const name of entries) {
        const full = path.join(dir, name);
        try {
          const st = await fs.stat(full);
          if (st.isDirectory()) subdirs.push(full);
          else if (st.isFile()) await addFile(full, false);
        } catch (err) {
          const code =
            (err as NodeJS.ErrnoException).code === 'ELOOP'
              ? 'INGEST_SYMLINK_LOOP'
              : 'INGEST_UNREADABLE';
          skipped.push({ path: full, code, reason: errnoReason(err) });
        }
      }
      for (const sub of subdirs.reverse()) stack.push({ dir: sub, depth: depth + 1 });
    }
  }
  return { files, skipped, ignored };
}
