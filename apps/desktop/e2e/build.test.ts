import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildDesktop } from '../scripts/build.js';
import { encodeRequest } from '../src/shared/protocol.js';
import {
  READY_LINE_PATTERN,
  WS_PROTOCOL,
  WS_TOKEN_PROTOCOL_PREFIX,
} from '../src/shared/web-mode.js';
import { startUntilLine, type Started } from '../test-support/processes.js';

/**
 * What electron-builder packages: the bundles from scripts/build.ts, laid out as in the app
 * (`package.json` beside `dist/`), in a folder of its own under apps/desktop/dist so the bundles
 * resolve their runtime dependencies from node_modules as they do in the app. Then the bundled
 * engine runs for real.
 */
const APP = path.resolve(import.meta.dirname, '..');
let appDir: string;
let outDir: string;
let engine: Started | undefined;

beforeAll(async () => {
  await mkdir(path.join(APP, 'dist'), { recursive: true });
  appDir = await mkdtemp(path.join(APP, 'dist', 'build-test-'));
  outDir = path.join(appDir, 'dist');
  await copyFile(path.join(APP, 'package.json'), path.join(appDir, 'package.json'));
  await buildDesktop({ outDir });
});

afterAll(async () => {
  await engine?.stop();
  await rm(appDir, { recursive: true, force: true });
});

const requires = (code: string): string[] =>
  [...new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!))].sort();

describe('desktop build output', () => {
  it('bundles a self-contained sandboxed preload and a main that needs only Electron and Node', async () => {
    const preload = await readFile(path.join(outDir, 'preload/preload.cjs'), 'utf8');
    expect(requires(preload)).toEqual(['electron']);
    const main = await readFile(path.join(outDir, 'main/main.cjs'), 'utf8');
    for (const dep of requires(main))
      expect(dep === 'electron' || dep.startsWith('node:'), dep).toBe(true);
    // main.ts starts these by path: they must be where it looks.
    expect(main).toContain('"sidecar", "index.mjs"');
    expect(main).toContain('"preload", "preload.cjs"');
    const index = await readFile(path.join(outDir, 'renderer/index.html'), 'utf8');
    expect(index).toMatch(
      /<script type="module" crossorigin src="\.\/assets\/[^"]+\.js"><\/script>/,
    );
    expect(index).not.toMatch(/<script>|<script type="module">/); // nothing inline: CSP allows 'self' only
  });

  it('runs the bundled engine in web mode and answers health with the packaged version', async () => {
    engine = await startUntilLine(
      process.execPath,
      [
        path.join(outDir, 'sidecar/index.mjs'),
        '--web',
        '--port',
        '0',
        '--renderer-dir',
        path.join(outDir, 'renderer'),
      ],
      READY_LINE_PATTERN,
    );
    const url = new URL(engine.match[1]!);
    expect((await fetch(url.origin)).status).toBe(200);
    const token = new URLSearchParams(url.hash.slice(1)).get('token')!;
    const ws = new WebSocket(`ws://${url.host}/rpc`, [
      WS_PROTOCOL,
      `${WS_TOKEN_PROTOCOL_PREFIX}${token}`,
    ]);
    const frames: unknown[] = [];
    ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString('utf8'))));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(encodeRequest(1, 'health', {}));
    await expect.poll(() => frames.length, { timeout: 10_000 }).toBe(2);
    const { version } = JSON.parse(await readFile(path.join(APP, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(frames[1]).toMatchObject({ t: 'res', seq: 1, result: { ok: true, value: { version } } });
    ws.close();
  });
});
