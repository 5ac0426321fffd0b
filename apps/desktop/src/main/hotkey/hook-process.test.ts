import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { devHelperCommand, HookClient, type HookExit } from './hook-client.js';
import type { HookMessage } from './protocol.js';
import {
  HAVE_X_TOOLS,
  isAlive,
  startXvfb,
  type TestDisplay,
} from '../../../test-support/hotkey/display.js';
import { waitUntil } from '../../../test-support/wait.js';

/** The real helper process (hook-process.ts) under a real X server, keys injected by xdotool. */

type Run = {
  client: HookClient;
  messages: HookMessage[];
  exit: HookExit | undefined;
  pid: number;
};

const runs: Run[] = [];

function startHelper(hotkey: string, env: Record<string, string | undefined>): Run {
  const run: Run = {
    client: undefined as unknown as HookClient,
    messages: [],
    exit: undefined,
    pid: -1,
  };
  run.client = new HookClient(devHelperCommand(), hotkey, env, {
    onMessage: (m) => run.messages.push(m),
    onInvalidLine: () => run.messages.push({ type: 'error', code: 'HOTKEY_PROTOCOL', message: '' }),
    onExit: (e) => (run.exit = e),
  });
  run.pid = run.client.pid ?? -1;
  runs.push(run);
  return run;
}

const types = (run: Run): string[] =>
  run.messages
    .filter((m) => m.type !== 'ready')
    .map((m) => (m.type === 'up' ? `up:${m.cause}` : m.type));

async function ready(run: Run): Promise<void> {
  await waitUntil(
    () => run.messages.some((m) => m.type === 'ready') || run.exit !== undefined,
    'ready',
  );
  expect(run.messages[0]).toMatchObject({ type: 'ready' });
}

function envWithout(...names: string[]): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const n of names) env[n] = undefined;
  return env;
}

/** A second, raw uiohook listener: proves the X server really auto-repeats a held key. */
function rawKeydownCounter(display: string, keycode: number) {
  const uiohook = createRequire(import.meta.url).resolve('uiohook-napi');
  const script = `const { uIOhook } = require(${JSON.stringify(uiohook)});
    uIOhook.on('keydown', (e) => { if (e.keycode === ${keycode}) process.stdout.write('d\\n'); });
    uIOhook.start(); process.stdout.write('ready\\n');
    process.stdin.on('end', () => { uIOhook.stop(); process.exit(0); }); process.stdin.resume();`;
  const child = spawn(process.execPath, ['-e', script], {
    env: { ...process.env, DISPLAY: display },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const state = { ready: false, keydowns: 0 };
  createInterface({ input: child.stdout }).on('line', (l) => {
    if (l === 'ready') state.ready = true;
    else state.keydowns += 1;
  });
  const exited = new Promise<void>((r) => child.once('close', () => r()));
  return {
    state,
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}

const NEEDS_X = !HAVE_X_TOOLS;

describe('hook-process (uiohook helper)', () => {
  let x: TestDisplay | undefined;

  beforeAll(async () => {
    if (HAVE_X_TOOLS) x = await startXvfb();
  });

  afterEach(async () => {
    for (const r of runs.splice(0)) await r.client.stop();
  });

  afterAll(async () => {
    await x?.close();
    if (x !== undefined) expect(isAlive(x.pid)).toBe(false);
  });

  it.skipIf(NEEDS_X)(
    'held key with X auto-repeat → exactly one down and one up (needs /usr/bin/Xvfb and xdotool)',
    async () => {
      const display = x!;
      const raw = rawKeydownCounter(display.display, 67); // F9
      const run = startHelper('F9', { ...process.env, DISPLAY: display.display });
      await ready(run);
      await waitUntil(() => raw.state.ready, 'raw listener');

      await display.xdotool('keydown', 'F9');
      await waitUntil(() => types(run).length === 1, 'down');
      // Hold past the X server's auto-repeat delay until the raw listener has seen repeats.
      await waitUntil(() => raw.state.keydowns >= 5, 'X auto-repeat keydowns');
      await display.xdotool('keyup', 'F9');
      await waitUntil(() => types(run).length === 2, 'up');
      // A second press afterwards: any stray event from the first would show up before it.
      await display.xdotool('keydown', 'F9', 'keyup', 'F9');
      await waitUntil(() => types(run).length >= 4, 'second press');

      expect(types(run)).toEqual(['down', 'up:key', 'down', 'up:key']);
      expect(raw.state.keydowns).toBeGreaterThanOrEqual(6);
      await raw.close();
    },
  );

  it.skipIf(NEEDS_X)(
    'releasing a required modifier ends the press; a new press needs the key again (needs Xvfb)',
    async () => {
      const display = x!;
      const run = startHelper('Control+Shift+F9', { ...process.env, DISPLAY: display.display });
      await ready(run);
      expect(run.messages[0]).toEqual({ type: 'ready', hotkey: 'Control+Shift+F9' });

      await display.xdotool('keydown', 'ctrl', 'keydown', 'shift', 'keydown', 'F9');
      await waitUntil(() => types(run).length === 1, 'down');
      await display.xdotool('keyup', 'shift');
      await waitUntil(() => types(run).length === 2, 'up on modifier release');
      await display.xdotool('keydown', 'shift', 'keyup', 'F9', 'keyup', 'shift', 'keyup', 'ctrl');
      // Wrong modifiers do nothing; then the right combination once more.
      await display.xdotool('keydown', 'ctrl', 'keydown', 'F9', 'keyup', 'F9', 'keyup', 'ctrl');
      await display.xdotool(
        ...['keydown', 'ctrl', 'keydown', 'shift', 'keydown', 'F9'],
        ...['keyup', 'F9', 'keyup', 'shift', 'keyup', 'ctrl'],
      );
      await waitUntil(() => types(run).length >= 4, 'second press');

      expect(types(run)).toEqual(['down', 'up:modifier', 'down', 'up:key']);
    },
  );

  it.skipIf(NEEDS_X)('the default hotkey Control+Alt+Space works (needs Xvfb)', async () => {
    const display = x!;
    const run = startHelper('Control+Alt+Space', { ...process.env, DISPLAY: display.display });
    await ready(run);
    await display.xdotool('keydown', 'ctrl', 'keydown', 'alt', 'keydown', 'space');
    await waitUntil(() => types(run).length === 1, 'down');
    await display.xdotool('keyup', 'space', 'keyup', 'alt', 'keyup', 'ctrl');
    await waitUntil(() => types(run).length === 2, 'up');
    expect(types(run)).toEqual(['down', 'up:key']);
  });

  it.skipIf(NEEDS_X)(
    'exits by itself when its stdin closes, so it never outlives the app (needs Xvfb)',
    async () => {
      const run = startHelper('F9', { ...process.env, DISPLAY: x!.display });
      await ready(run);
      await run.client.stop();
      expect(run.exit).toMatchObject({ code: 0 });
      expect(isAlive(run.pid)).toBe(false);
    },
  );

  it('without DISPLAY it reports HOTKEY_NO_DISPLAY and exits 2 instead of aborting', async () => {
    const run = startHelper('F9', envWithout('DISPLAY', 'WAYLAND_DISPLAY', 'XDG_SESSION_TYPE'));
    await waitUntil(() => run.exit !== undefined, 'exit');
    expect(run.messages).toMatchObject([{ type: 'error', code: 'HOTKEY_NO_DISPLAY' }]);
    expect(run.messages).toHaveLength(1);
    expect(run.exit).toMatchObject({ code: 2, signal: null });
  });

  it('with DISPLAY naming no server it reports HOTKEY_DISPLAY_UNREACHABLE instead of hanging', async () => {
    const run = startHelper('F9', {
      ...envWithout('WAYLAND_DISPLAY', 'XDG_SESSION_TYPE'),
      DISPLAY: ':65001',
    });
    await waitUntil(() => run.exit !== undefined, 'exit');
    expect(run.messages).toMatchObject([{ type: 'error', code: 'HOTKEY_DISPLAY_UNREACHABLE' }]);
    expect(run.messages).toHaveLength(1);
    expect(JSON.stringify(run.messages[0])).toContain('DISPLAY=:65001');
    expect(run.exit).toMatchObject({ code: 1, signal: null });
  });

  it('an invalid hotkey is a configuration error (exit 2)', async () => {
    const run = startHelper('Control+Banana', { ...process.env });
    await waitUntil(() => run.exit !== undefined, 'exit');
    expect(run.messages).toMatchObject([{ type: 'error', code: 'HOTKEY_INVALID' }]);
    expect(run.exit).toMatchObject({ code: 2 });
  });
});
