import path from 'node:path';
import type { FileFilter, OpenDialogOptions, OpenDialogReturnValue } from 'electron';
import {
  isPickKind,
  MAX_PICKED_PATH_LENGTH,
  MAX_PICKED_PATHS,
  pickFailure,
  type PickKind,
} from '../shared/bridge.js';
import { DOCUMENT_TYPES } from '../shared/knowledge.js';
import type { Result } from '../shared/result.js';
import { isTrustedSender, type SenderLike } from './ipc-guard.js';

/**
 * "Add files…" / "Add folder…": the native open dialog behind `IPC.pickPaths`. Pure apart from the
 * injected `showOpenDialog`, so sender and argument checks are unit-tested without Electron; main.ts
 * registers `pickPathsHandler(...)` with `ipcMain.handle`.
 */

/** What the engine ingests (shared DOCUMENT_TYPES, the list the engine's parser picks by). */
export const INGESTIBLE_FILTERS: readonly FileFilter[] = [
  {
    name: 'Documents (PDF, Word, HTML, Markdown, text)',
    extensions: DOCUMENT_TYPES.flatMap((t) => t.extensions),
  },
  ...DOCUMENT_TYPES.map((t) => ({ name: t.name, extensions: [...t.extensions] })),
  { name: 'All files', extensions: ['*'] },
];

export function dialogOptions(kind: PickKind): OpenDialogOptions {
  switch (kind) {
    case 'files':
      return {
        title: 'Add files to Knowledge',
        buttonLabel: 'Add',
        properties: ['openFile', 'multiSelections'],
        filters: [...INGESTIBLE_FILTERS],
      };
    case 'folder':
      return {
        title: 'Add folders to Knowledge',
        buttonLabel: 'Add',
        properties: ['openDirectory', 'multiSelections'],
      };
  }
}

/** The dialog's answer as a result: [] when cancelled; only absolute paths the ingest call takes. */
export function pickedPaths(
  reply: Pick<OpenDialogReturnValue, 'canceled' | 'filePaths'>,
  isAbsolute: (p: string) => boolean = (p) => path.isAbsolute(p),
): Result<readonly string[]> {
  if (reply.canceled) return { ok: true, value: [] };
  const paths = reply.filePaths.filter(
    (p) => p.length > 0 && p.length <= MAX_PICKED_PATH_LENGTH && isAbsolute(p),
  );
  if (paths.length > MAX_PICKED_PATHS) return pickFailure('PICK_TOO_MANY');
  return { ok: true, value: paths };
}

export interface PathPickerOptions {
  /** The only web contents allowed to ask: our main window's. */
  readonly contents: unknown;
  /** Our page's pathname (`/index.html`); sub-frames and other pages are refused. */
  readonly pathname: string;
  /** Opens the dialog attached to that window (main passes `dialog.showOpenDialog(window, …)`). */
  readonly showOpenDialog: (
    options: OpenDialogOptions,
  ) => Promise<Pick<OpenDialogReturnValue, 'canceled' | 'filePaths'>>;
}

/** The `ipcMain.handle` listener. Never throws: every outcome is a `Result` (see PICK_ERRORS). */
export function pickPathsHandler(
  options: PathPickerOptions,
): (event: SenderLike, kind: unknown) => Promise<Result<readonly string[]>> {
  let open = false;
  return async (event, kind) => {
    if (!isTrustedSender(event, options.contents, options.pathname) || !isPickKind(kind))
      return pickFailure('PICK_REFUSED');
    if (open) return pickFailure('PICK_BUSY'); // the dialog is modal; only a script asks twice
    open = true;
    try {
      return pickedPaths(await options.showOpenDialog(dialogOptions(kind)));
    } catch (err) {
      console.error('open dialog failed', err);
      return pickFailure('PICK_FAILED');
    } finally {
      open = false;
    }
  };
}
