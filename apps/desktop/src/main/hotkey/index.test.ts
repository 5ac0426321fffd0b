import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { helperCommandFor } from './hook-client.js';

/**
 * Main imports the hotkey module, and its tests run in plain Node: nothing reachable from index.ts
 * may import electron (it would try to download a binary) or uiohook-napi (its start() aborts the
 * process without a display; it belongs in the helper process only).
 */
const HERE = path.dirname(fileURLToPath(import.meta.url));

function reachableImports(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of info.importedFiles) {
      if (fileName.startsWith('.'))
        queue.push(path.resolve(path.dirname(file), fileName.replace(/\.js$/, '.ts')));
      else packages.add(fileName);
    }
  }
  return { files, packages };
}

describe('hotkey module boundary', () => {
  it('index.ts reaches neither electron nor uiohook-napi', () => {
    const { files, packages } = reachableImports(path.join(HERE, 'index.ts'));
    expect(files.size).toBeGreaterThan(5);
    expect([...files].map((f) => path.basename(f))).not.toContain('keycodes.ts');
    expect([...packages].filter((p) => p === 'electron' || p.startsWith('electron/'))).toEqual([]);
    expect(packages).not.toContain('uiohook-napi');
  });

  it('the helper process is the one place that loads uiohook-napi', () => {
    const { packages } = reachableImports(path.join(HERE, 'hook-process.ts'));
    expect(packages).toContain('uiohook-napi');
  });
});

describe('helperCommandFor', () => {
  it('runs a .ts helper through tsx and a bundled one directly; Electron runs as Node', () => {
    const dev = helperCommandFor('/app/hook-process.ts', {
      execPath: '/usr/bin/node',
      electron: false,
    });
    expect(dev.command).toBe('/usr/bin/node');
    expect(dev.args[0]).toBe('--import');
    expect(dev.args[1]).toMatch(/^file:.*tsx/);
    expect(dev.args[2]).toBe('/app/hook-process.ts');
    expect(dev.env).toBeUndefined();

    const packaged = helperCommandFor('/opt/va/resources/app.asar/dist/main/hook-process.cjs', {
      execPath: '/opt/va/voiceassist',
      electron: true,
    });
    expect(packaged).toEqual({
      command: '/opt/va/voiceassist',
      args: ['/opt/va/resources/app.asar/dist/main/hook-process.cjs'],
      env: { ELECTRON_RUN_AS_NODE: '1' },
    });
  });
});
