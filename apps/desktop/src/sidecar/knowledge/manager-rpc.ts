import { existsSync } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { CodedError } from '../../shared/errors.js';
import { MAX_DOCUMENT_CHARS, MAX_UPLOAD_BYTES } from '../../shared/knowledge.js';
import type { Handlers } from '../rpc/server.js';
import type { KnowledgeBase } from './kb.js';
import { kindOf } from './parse/index.js';

type ManagerCall =
  'knowledge.remove' | 'knowledge.reindex' | 'knowledge.upload' | 'knowledge.document';

export const UPLOADS_DIR = 'uploads';

export interface ManagerDeps {
  readonly kb: () => Promise<KnowledgeBase>;
  /** Starts an ingestion run of absolute paths (KnowledgeRpc.ingest). */
  readonly ingest: (paths: readonly string[]) => Promise<{ started: boolean; paths: number }>;
  readonly profileDir: () => string | undefined;
  readonly busy: () => boolean;
}

/** A file name safe to keep in the uploads folder: no separators, no leading dots. */
export function safeName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/[^\p{L}\p{N}._ -]+/gu, '_')
    .replace(/^[.\s]+/, '')
    .slice(0, 120);
  return clean || 'document';
}

/**
 * The knowledge manager's calls: remove and re-index documents, add a file given by content
 * (drag and drop, a browser's file input: no path), and read a whole document. Kept beside
 * KnowledgeRpc, which owns the store and the one ingestion run.
 */
export function manager(deps: ManagerDeps): Pick<Handlers, ManagerCall> {
  const notBusy = (): void => {
    if (deps.busy())
      throw new CodedError('KB_BUSY', 'An ingestion is already running; wait for it or cancel it.');
  };
  return {
    'knowledge.remove': async ({ documentIds }) => {
      notBusy();
      const kb = await deps.kb();
      return { removed: kb.removeDocuments(documentIds) };
    },
    'knowledge.reindex': async ({ documentIds }) => {
      notBusy();
      const kb = await deps.kb();
      const wanted = new Set(documentIds);
      const docs = kb.sources().filter((s) => wanted.has(s.documentId));
      if (docs.length === 0)
        throw new CodedError('KB_NOT_FOUND', 'Those sources are no longer in the knowledge store.');
      const gone = docs.find((d) => !existsSync(d.sourcePath));
      if (gone)
        throw new CodedError(
          'KB_PATH_NOT_FOUND',
          `The file of “${gone.title.slice(0, 200)}” is no longer at ${gone.sourcePath.slice(0, 300)}; remove the source or add the file again.`,
        );
      // Removed first, so unchanged files are read again rather than skipped as up to date.
      kb.removeDocuments(docs.map((d) => d.documentId));
      return deps.ingest(docs.map((d) => d.sourcePath));
    },
    'knowledge.upload': async ({ uploadId, name, offset, data, last }) => {
      const profile = deps.profileDir();
      if (!profile)
        throw new CodedError(
          'KB_NOT_AVAILABLE',
          'The knowledge store is not available: the engine has no profile folder.',
        );
      const fileName = safeName(name);
      if (!kindOf(fileName))
        throw new CodedError(
          'INGEST_UNSUPPORTED',
          `${fileName} is not a PDF, Word, HTML, Markdown or text file.`,
        );
      const dir = path.join(profile, UPLOADS_DIR, uploadId);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const file = path.join(dir, fileName);
      const bytes = Buffer.from(data, 'base64');
      if (offset + bytes.length > MAX_UPLOAD_BYTES) {
        await rm(dir, { recursive: true, force: true });
        throw new CodedError(
          'KB_UPLOAD_TOO_LARGE',
          'The file is larger than 50 MB; add it by path.',
        );
      }
      const handle = await open(file, offset === 0 ? 'w' : 'r+', 0o600);
      try {
        if ((await handle.stat()).size !== offset)
          throw new CodedError(
            'KB_UPLOAD_OUT_OF_ORDER',
            'The file arrived incomplete; add it again.',
          );
        await handle.write(bytes, 0, bytes.length, offset);
      } finally {
        await handle.close();
      }
      return { received: offset + bytes.length, path: last ? file : null };
    },
    'knowledge.document': async ({ documentId }) => {
      const kb = await deps.kb();
      const doc = kb.documentText(documentId);
      const row = kb.sources().find((s) => s.documentId === documentId);
      if (!doc || !row)
        throw new CodedError(
          'KB_NOT_FOUND',
          'That source is no longer in the knowledge store; it may have been removed.',
        );
      return {
        documentId,
        title: doc.title.slice(0, 1024),
        sourcePath: doc.sourcePath,
        kind: row.kind.slice(0, 32),
        text: doc.text.slice(0, MAX_DOCUMENT_CHARS),
        truncated: doc.text.length > MAX_DOCUMENT_CHARS,
      };
    },
  };
}
