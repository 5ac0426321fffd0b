import path from 'node:path';
import type { OpenDialogOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { MAX_PICKED_PATH_LENGTH, MAX_PICKED_PATHS } from '../shared/bridge.js';
import { MAX_INGEST_PATHS, MAX_PATH_LENGTH } from '../shared/knowledge.js';
import type { Result } from '../shared/result.js';
import { dialogOptions, pickedPaths, pickPathsHandler } from './path-picker.js';

const contents = { id: 1 };
const ours = {
  sender: contents,
  senderFrame: { url: 'app://workstation/index.html', parent: null },
};

const codeOf = (r: Result<unknown>): string | null => (r.ok ? null : r.error.code);

/** A stand-in for `dialog.showOpenDialog`: records the options, answers with `reply`. */
function fakeDialog(reply: { canceled: boolean; filePaths: string[] } | Error) {
  const opened: OpenDialogOptions[] = [];
  const handler = pickPathsHandler({
    contents,
    pathname: '/index.html',
    showOpenDialog: (options) => {
      opened.push(options);
      return reply instanceof Error ? Promise.reject(reply) : Promise.resolve(reply);
    },
  });
  return { opened, handler };
}

describe('dialogOptions', () => {
  it('files: several files, filtered to what the engine ingests, with "All files" last', () => {
    const options = dialogOptions('files');
    expect(options.properties).toEqual(['openFile', 'multiSelections']);
    const filters = options.filters ?? [];
    const documents = filters[0]?.extensions ?? [];
    for (const ext of ['pdf', 'docx', 'html', 'md', 'txt']) expect(documents).toContain(ext);
    expect(filters.at(-1)).toEqual({ name: 'All files', extensions: ['*'] });
  });

  it('folder: several folders, no files', () => {
    expect(dialogOptions('folder').properties).toEqual(['openDirectory', 'multiSelections']);
  });
});

describe('pickedPaths', () => {
  it('cancel is an empty pick; only absolute paths of an ingestible length are kept', () => {
    expect(pickedPaths({ canceled: true, filePaths: ['/a'] })).toEqual({ ok: true, value: [] });
    const long = `/${'x'.repeat(MAX_PICKED_PATH_LENGTH)}`;
    expect(
      pickedPaths({ canceled: false, filePaths: ['/kb/a.pdf', 'relative', '', long] }, (p) =>
        path.posix.isAbsolute(p),
      ),
    ).toEqual({ ok: true, value: ['/kb/a.pdf'] });
  });

  it('more paths than one ingest call takes is a coded error, not a silent cut', () => {
    const many = Array.from({ length: MAX_PICKED_PATHS + 1 }, (_, i) => `/kb/${i}.md`);
    const result = pickedPaths({ canceled: false, filePaths: many }, () => true);
    expect(codeOf(result)).toBe('PICK_TOO_MANY');
  });

  it('uses the same limits as knowledge.ingest', () => {
    expect(MAX_PICKED_PATHS).toBe(MAX_INGEST_PATHS);
    expect(MAX_PICKED_PATH_LENGTH).toBe(MAX_PATH_LENGTH);
  });
});

describe('pickPathsHandler', () => {
  const abs = path.resolve('/kb/guidelines');

  it('opens the folder dialog for our page and returns the chosen paths', async () => {
    const { opened, handler } = fakeDialog({ canceled: false, filePaths: [abs] });
    expect(await handler(ours, 'folder')).toEqual({ ok: true, value: [abs] });
    expect(opened.map((o) => o.properties)).toEqual([['openDirectory', 'multiSelections']]);
  });

  it('cancel returns [] and the dialog can be opened again', async () => {
    const { opened, handler } = fakeDialog({ canceled: true, filePaths: [] });
    expect(await handler(ours, 'files')).toEqual({ ok: true, value: [] });
    expect(await handler(ours, 'files')).toEqual({ ok: true, value: [] });
    expect(opened).toHaveLength(2);
  });

  it('refuses another sender or an argument other than "files" / "folder", without a dialog', async () => {
    const { opened, handler } = fakeDialog({ canceled: false, filePaths: [abs] });
    const frame = (url: string, parent: unknown) => ({
      sender: contents,
      senderFrame: { url, parent },
    });
    for (const event of [
      { ...ours, sender: { id: 2 } },
      { sender: contents },
      frame('app://workstation/index.html', {}),
      frame('app://workstation/overlay/index.html', null),
      frame('https://evil/index.html', null),
    ])
      expect(codeOf(await handler(event, 'files')), JSON.stringify(event)).toBe('PICK_REFUSED');
    for (const bad of [
      'file',
      'folders',
      'FILES',
      '',
      null,
      undefined,
      1,
      ['files'],
      { kind: 'files' },
    ])
      expect(codeOf(await handler(ours, bad)), JSON.stringify(bad)).toBe('PICK_REFUSED');
    expect(opened).toHaveLength(0);
  });

  it('one dialog at a time; a failing dialog is a coded error, not a throw', async () => {
    let answer: (reply: { canceled: boolean; filePaths: string[] }) => void = () => undefined;
    const handler = pickPathsHandler({
      contents,
      pathname: '/index.html',
      showOpenDialog: () => new Promise((resolve) => (answer = resolve)),
    });
    const first = handler(ours, 'files');
    expect(codeOf(await handler(ours, 'folder'))).toBe('PICK_BUSY');
    answer({ canceled: false, filePaths: [abs] });
    expect(await first).toEqual({ ok: true, value: [abs] });

    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const broken = fakeDialog(new Error('no display')).handler;
    expect(codeOf(await broken(ours, 'files'))).toBe('PICK_FAILED');
    expect(logged).toHaveBeenCalledOnce();
    logged.mockRestore();
  });
});
