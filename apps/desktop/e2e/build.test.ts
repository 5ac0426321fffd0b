import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildDesktop } from '../scripts/build.js';
import { HotkeyController, helperCommandFor } from '../src/main/hotkey/index.js';
import { HAVE_X_TOOLS, startXvfb, type TestDisplay } from '../test-support/hotkey/display.js';
import { waitUntil } from '../test-support/wait.js';
import { OVERLAY_PATH, OverlayController, type OverlaySurface } from '../src/main/overlay-logic.js';

import { PushToTalkRelay, type RendererTarget } from '../src/main/ptt-relay.js';
import {
  IPC,
  OVERLAY_BRIDGE_KEY,
  type OverlayState,
  type PushToTalkWire,
} from '../src/shared/bridge.js';
import { encodeRequest } from '../src/shared/protocol.js';
import {
  READY_LINE_PATTERN,
  WS_PROTOCOL,
  WS_TOKEN_PROTOCOL_PREFIX,
} from '../src/shared/web-mode.js';
import { launchChromium } from '../test-support/chromium.js';
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
let browser: Browser | undefined;
let display: TestDisplay | undefined;
let hotkey: HotkeyController | undefined;

beforeAll(async () => {
  await mkdir(path.join(APP, 'dist'), { recursive: true });
  appDir = await mkdtemp(path.join(APP, 'dist', 'build-test-'));
  outDir = path.join(appDir, 'dist');
  await copyFile(path.join(APP, 'package.json'), path.join(appDir, 'package.json'));
  await buildDesktop({ outDir });
});

afterAll(async () => {
  await hotkey?.stop();
  await display?.close();
  await browser?.close();
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
    expect(main).toContain('"preload", "overlay-preload.cjs"');
    expect(main).toContain('"main", "hook-process.cjs"');
    const overlayPreload = await readFile(path.join(outDir, 'preload/overlay-preload.cjs'), 'utf8');
    expect(requires(overlayPreload)).toEqual(['electron']);
    // The hook helper: plain Node plus the native hook, which loads from node_modules (its .node
    // prebuild is unpacked from the asar by electron-builder's asarUnpack '**/*.node').
    const helper = await readFile(path.join(outDir, 'main/hook-process.cjs'), 'utf8');
    for (const dep of requires(helper))
      expect(dep === 'uiohook-napi' || dep.startsWith('node:'), dep).toBe(true);
    expect(requires(helper)).toContain('uiohook-napi');
    const overlay = await readFile(path.join(outDir, `renderer${OVERLAY_PATH}`), 'utf8');
    expect(overlay).toMatch(
      /<script type="module" crossorigin src="\.\.\/assets\/[^"]+\.js"><\/script>/,
    );
    expect(overlay).not.toMatch(/<script>|<script type="module">|style=/);
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

  it.skipIf(!HAVE_X_TOOLS)(
    'the bundled hook helper gives hold-to-talk, relayed to the window as down/up (needs Xvfb)',
    async () => {
      display = await startXvfb();
      hotkey = new HotkeyController({
        hotkey: 'Control+Shift+F9',
        // As main.ts starts it, with Node standing in for Electron-as-Node.
        helper: helperCommandFor(path.join(outDir, 'main/hook-process.cjs'), {
          execPath: process.execPath,
          electron: false,
        }),
        env: { PATH: process.env.PATH, DISPLAY: display.display },
        platform: 'linux',
      });
      const sent: { channel: string; payload: unknown }[] = [];
      const window: RendererTarget = {
        isDestroyed: () => false,
        send: (channel, payload) => sent.push({ channel, payload }),
      };
      const overlayStates: OverlayState[] = [];
      const surface: OverlaySurface = {
        showAtCursorDisplay: () => undefined,
        hide: () => undefined,
        send: (state) => overlayStates.push(state),
      };
      const relay = new PushToTalkRelay({
        hotkey,
        window,
        overlay: new OverlayController(surface),
      });
      const ptt = (): string[] =>
        sent
          .filter((m) => m.channel === IPC.pushToTalk)
          .map((m) => (m.payload as PushToTalkWire).type);
      hotkey.start();
      await waitUntil(() => hotkey?.state === 'hook', 'hook ready');
      expect(relay.status).toEqual({ accelerator: 'Control+Shift+F9', mode: 'hold' });
      await display.xdotool('keydown', 'ctrl', 'keydown', 'shift', 'keydown', 'F9');
      await waitUntil(() => ptt().length === 1, 'down');
      await display.xdotool('keyup', 'F9', 'keyup', 'shift', 'keyup', 'ctrl');
      await waitUntil(() => ptt().length === 2, 'up');
      expect(ptt()).toEqual(['down', 'up']);
      const [down, up] = sent
        .filter((m) => m.channel === IPC.pushToTalk)
        .map((m) => (m.payload as PushToTalkWire).wallAt);
      expect(up!).toBeGreaterThanOrEqual(down!);
      // the wall clock of this process, give or take the time the test took
      expect(Math.abs(down! - Date.now())).toBeLessThan(60_000);
      await hotkey.stop();
    },
  );

  it('renders the packaged overlay page under the CSP in Chromium, state by state', async () => {
    expect(engine, 'the bundled engine serves the renderer folder').toBeDefined();
    const origin = new URL(engine!.match[1]!).origin;
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 280, height: 64 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    // Stands in for the overlay preload: the same one-method bridge, fed by the test.
    await page.addInitScript((key: string) => {
      const w = window as unknown as Record<string, unknown>;
      w[key] = {
        onState(listener: (s: unknown) => void) {
          w.__overlayPush = listener;
          return () => undefined;
        },
      };
    }, OVERLAY_BRIDGE_KEY);
    const response = await page.goto(`${origin}${OVERLAY_PATH}`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForFunction(() => '__overlayPush' in window);
    const push = (state: OverlayState): Promise<void> =>
      page.evaluate((s) => {
        (window as unknown as { __overlayPush: (x: unknown) => void }).__overlayPush(s);
      }, state);
    const overlay = page.getByTestId('overlay');
    expect(await overlay.isVisible()).toBe(false); // idle: nothing drawn

    const shots = process.env.VOICEASSIST_SCREENSHOT_DIR;
    const cases: [OverlayState, string, number | null][] = [
      [{ phase: 'listening', level: -18 }, 'Listening…', 0.7],
      [{ phase: 'thinking', level: null }, 'Thinking…', null],
      [{ phase: 'speaking', level: null }, 'Speaking…', null],
    ];
    for (const [state, label, fill] of cases) {
      await push(state);
      expect(await overlay.getAttribute('data-phase')).toBe(state.phase);
      expect(await page.getByTestId('overlay-label').innerText()).toBe(label);
      const meter = page.getByTestId('overlay-level');
      expect(await meter.isVisible()).toBe(fill !== null);
      if (fill !== null) {
        await page.waitForTimeout(150); // the meter's 60 ms transition
        const { fillWidth, trackWidth } = await meter.evaluate((el) => ({
          fillWidth: el.getBoundingClientRect().width,
          trackWidth: el.parentElement!.getBoundingClientRect().width,
        }));
        expect(fillWidth / trackWidth).toBeCloseTo(fill, 1);
      }
      if (shots) await page.screenshot({ path: path.join(shots, `overlay-${state.phase}.png`) });
    }
    await push({ phase: 'idle', level: null });
    expect(await overlay.isVisible()).toBe(false);
    expect(problems).toEqual([]); // a CSP violation would be reported here
  });
});
