import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildIsCurrent, inputFiles, sourceStamp, writeStamp } from './build-stamp.mjs';

/**
 * `npm start` reuses the UI and engine build when its inputs did not change (#20 item 7): a
 * SHA-256 over the path and content of every input file, kept beside the build.
 */
let root: string;

async function put(rel: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), text);
}

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'va-build-stamp-'));
  await put('apps/desktop/src/renderer/App.tsx', 'export const a = 1;\n');
  await put('apps/desktop/src/renderer/App.test.tsx', 'test\n');
  await put('apps/desktop/package.json', '{}\n');
  await put('packages/phi/src/index.ts', 'export {};\n');
  await put('vite.config.ts', 'export default {};\n');
  await put('package-lock.json', '{}\n');
  for (const out of ['sidecar/index.mjs', 'renderer/index.html', 'main/main.cjs'])
    await put(`apps/desktop/dist/${out}`, 'built\n');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the build stamp', () => {
  it('reuses the build until an input changes; tests, node_modules and the output are no inputs', async () => {
    expect(buildIsCurrent(root)).toBe(false); // never stamped
    writeStamp(root, sourceStamp(root));
    expect(buildIsCurrent(root)).toBe(true);
    expect(inputFiles(root)).not.toContain('apps/desktop/src/renderer/App.test.tsx');

    await put('apps/desktop/src/renderer/App.test.tsx', 'another test\n');
    await put('packages/phi/node_modules/x/index.js', 'dep\n');
    await put('apps/desktop/dist/renderer/extra.js', 'out\n');
    expect(buildIsCurrent(root)).toBe(true);

    await put('apps/desktop/src/renderer/App.tsx', 'export const a = 2;\n');
    expect(buildIsCurrent(root)).toBe(false);
    writeStamp(root, sourceStamp(root));
    expect(buildIsCurrent(root)).toBe(true);
    await put('apps/desktop/src/renderer/New.tsx', 'export {};\n'); // a new file counts too
    expect(buildIsCurrent(root)).toBe(false);
  });

  it('rebuilds when an output is missing even with the stamp current', async () => {
    writeStamp(root, sourceStamp(root));
    await rm(path.join(root, 'apps/desktop/dist/renderer/index.html'));
    expect(buildIsCurrent(root)).toBe(false);
  });
});
