import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HotkeyController, type HotkeyControllerOptions, type HotkeyEvents } from './controller.js';
import { HotkeyError } from './errors.js';
import { devHelperCommand, type HelperCommand, type SpawnFn } from './hook-client.js';
import {
  HAVE_X_TOOLS,
  isAlive,
  startXvfb,
  type TestDisplay,
} from '../../../test-support/hotkey/display.js';
import type { GlobalShortcutLike } from './toggle-shortcut.js';
import { waitUntil } from '../../../test-support/wait.js';

/** Electron globalShortcut's shape, for the fallback: one owner per accelerator. */
class ShortcutRegistry implements GlobalShortcutLike {
  readonly callbacks = new Map<string, () => void>();
  register(accelerator: string, callback: () => void): boolean {
    if (this.callbacks.has(accelerator)) return false;
    this.callbacks.set(accelerator, callback);
    return true;
  }
  unregister(accelerator: string): void {
    this.callbacks.delete(accelerator);
  }
}

type Seen = { [K in keyof HotkeyEvents]: { name: K; event: HotkeyEvents[K] } }[keyof HotkeyEvents];

/** A real spawn that remembers every child it started. */
function countingSpawn(): { spawn: SpawnFn; children: ChildProcess[] } {
  const children: ChildProcess[] = [];
  return {
    children,
    spawn: (command, args, options) => {
      const child = spawn(command, args, options);
      children.push(child);
      return child;
    },
  };
}

/** A helper stand-in: a Node one-liner that behaves like a failing helper would. */
const standIn = (code: string): HelperCommand => ({
  command: process.execPath,
  args: ['-e', code, '--'], // '--': the appended --hotkey is for the script, not node
});

const controllers: HotkeyController[] = [];
const spawned: ChildProcess[][] = [];

function make(
  options: Partial<HotkeyControllerOptions> & { env: Record<string, string | undefined> },
) {
  const counter = countingSpawn();
  const seen: Seen[] = [];
  const controller = new HotkeyController({
    hotkey: 'Control+Shift+F9',
    helper: devHelperCommand(),
    platform: 'linux',
    spawn: counter.spawn,
    restart: { initialDelayMs: 20, maxDelayMs: 100 },
    readyTimeoutMs: 30_000,
    ...options,
  });
  controller.on('pressed', (event) => seen.push({ name: 'pressed', event }));
  controller.on('released', (event) => seen.push({ name: 'released', event }));
  controller.on('state', (event) => seen.push({ name: 'state', event }));
  controllers.push(controller);
  const self = {
    controller,
    seen,
    children: counter.children,
    turns: () =>
      seen.flatMap((s) =>
        s.name === 'pressed'
          ? ['pressed']
          : s.name === 'released'
            ? [`released:${s.event.cause}`]
            : [],
      ),
    states: () => seen.flatMap((s) => (s.name === 'state' ? [s.event] : [])),
  };
  spawned.push(counter.children);
  return self;
}

const NO_X = !HAVE_X_TOOLS;
const HEADLESS_ENV = { PATH: process.env.PATH };

describe('HotkeyController', () => {
  let x: TestDisplay | undefined;

  beforeAll(async () => {
    if (HAVE_X_TOOLS) x = await startXvfb();
  });

  afterEach(async () => {
    for (const c of controllers.splice(0)) await c.stop();
  });

  afterAll(async () => {
    const orphans = spawned.flatMap((list) =>
      list.filter((c) => c.pid !== undefined && isAlive(c.pid)),
    );
    expect(orphans).toEqual([]);
    await x?.close();
    if (x !== undefined) expect(isAlive(x.pid)).toBe(false);
  });

  it('rejects an invalid hotkey with HOTKEY_INVALID before starting anything', () => {
    expect(() => make({ env: HEADLESS_ENV, hotkey: 'Control+Alt' })).toThrow(HotkeyError);
  });

  it('without a display reports the fallback and spawns nothing that could abort', () => {
    const t = make({ env: HEADLESS_ENV });
    t.controller.start();
    expect(t.controller.state).toBe('fallback');
    expect(t.controller.mode).toBe('none'); // no globalShortcut given: reported only
    expect(t.controller.error?.code).toBe('HOTKEY_NO_DISPLAY');
    expect(t.children).toHaveLength(0);
  });

  it('on a Wayland-only session says X11 is required and spawns nothing', () => {
    const t = make({ env: { WAYLAND_DISPLAY: 'wayland-0', XDG_SESSION_TYPE: 'wayland' } });
    t.controller.start();
    expect(t.controller.error?.code).toBe('HOTKEY_X11_REQUIRED');
    expect(t.children).toHaveLength(0);
  });

  it('in the fallback the hotkey toggles through globalShortcut: press starts, press stops', () => {
    const registry = new ShortcutRegistry();
    let clock = 0;
    const t = make({ env: HEADLESS_ENV, globalShortcut: registry, now: () => clock });
    t.controller.start();
    expect(t.controller.mode).toBe('toggle');
    const press = registry.callbacks.get('Control+Shift+F9');
    expect(press).toBeDefined();
    clock = 1000;
    press!();
    clock = 4000;
    press!();
    expect(t.turns()).toEqual(['pressed', 'released:toggle']);
    expect(t.seen.filter((s) => s.name !== 'state').map((s) => s.event)).toEqual([
      { at: 1000 },
      { at: 4000, cause: 'toggle' },
    ]);
    expect(t.children).toHaveLength(0);
  });

  it('reports HOTKEY_SHORTCUT_TAKEN when the fallback hotkey belongs to another application', () => {
    const registry = new ShortcutRegistry();
    registry.register('Control+Shift+F9', () => undefined); // someone else's
    const t = make({ env: HEADLESS_ENV, globalShortcut: registry });
    t.controller.start();
    expect(t.controller.state).toBe('fallback');
    expect(t.controller.mode).toBe('none');
    expect(t.controller.error?.code).toBe('HOTKEY_SHORTCUT_TAKEN');
  });

  it('a helper reporting a configuration error goes straight to the fallback (no restart loop)', async () => {
    const t = make({
      env: { DISPLAY: ':1' },
      helper: standIn(
        `process.stdout.write(JSON.stringify({type:'error',code:'HOTKEY_X11_REQUIRED',message:'m'})+'\\n'); process.exit(2)`,
      ),
    });
    t.controller.start();
    await waitUntil(() => t.controller.state === 'fallback', 'fallback');
    expect(t.controller.error?.code).toBe('HOTKEY_X11_REQUIRED');
    expect(t.children).toHaveLength(1);
  });

  it('a helper that never gets ready is killed and, after bounded restarts, the fallback takes over', async () => {
    const registry = new ShortcutRegistry();
    const t = make({
      env: { DISPLAY: ':1' },
      helper: standIn('setInterval(() => {}, 1000)'), // like uiohook blocked in XOpenDisplay
      readyTimeoutMs: 300,
      restart: { initialDelayMs: 20, maxDelayMs: 40, maxAttempts: 2 },
      globalShortcut: registry,
    });
    t.controller.start();
    await waitUntil(() => t.controller.state === 'fallback', 'fallback');
    expect(t.children).toHaveLength(3); // first start + 2 restarts
    expect(t.children.every((c) => c.pid !== undefined && !isAlive(c.pid))).toBe(true);
    expect(t.controller.error?.code).toBe('HOTKEY_HOOK_UNAVAILABLE');
    expect(t.controller.error?.message).toMatch(/did not start in time/);
    expect(t.controller.mode).toBe('toggle');
    expect(t.states().map((s) => s.state)).toEqual([
      'starting',
      'restarting',
      'restarting',
      'fallback',
    ]);
  });

  it('a real helper on a display that is gone: bounded restarts, then the fallback with the reason', async () => {
    const t = make({
      env: {
        ...process.env,
        WAYLAND_DISPLAY: undefined,
        XDG_SESSION_TYPE: undefined,
        DISPLAY: ':65003',
      },
      restart: { initialDelayMs: 20, maxDelayMs: 40, maxAttempts: 1 },
    });
    t.controller.start();
    await waitUntil(() => t.controller.state === 'fallback', 'fallback', 60_000);
    expect(t.children).toHaveLength(2);
    expect(t.controller.error?.code).toBe('HOTKEY_HOOK_UNAVAILABLE');
    expect(t.controller.error?.message).toMatch(/DISPLAY=:65003/);
  });

  it.skipIf(NO_X)(
    'hold-to-talk through the helper: pressed on key-down, released on key-up (needs Xvfb)',
    async () => {
      const t = make({ env: { ...process.env, DISPLAY: x!.display } });
      t.controller.start();
      await waitUntil(() => t.controller.state === 'hook', 'hook ready');
      expect(t.controller.mode).toBe('hold');
      await x!.xdotool('keydown', 'ctrl', 'keydown', 'shift', 'keydown', 'F9');
      await waitUntil(() => t.turns().length === 1, 'pressed');
      await x!.xdotool('keyup', 'F9', 'keyup', 'shift', 'keyup', 'ctrl');
      await waitUntil(() => t.turns().length === 2, 'released');
      expect(t.turns()).toEqual(['pressed', 'released:key']);
      const [pressed, released] = t.seen.filter((s) => s.name !== 'state').map((s) => s.event);
      expect(pressed!.at).toBeLessThanOrEqual(released!.at); // one monotonic clock
    },
  );

  it.skipIf(NO_X)(
    'helper crash mid-press: the turn is released, the helper restarts and works again (needs Xvfb)',
    async () => {
      const t = make({ env: { ...process.env, DISPLAY: x!.display } });
      t.controller.start();
      await waitUntil(() => t.controller.state === 'hook', 'hook ready');
      const firstPid = t.controller.helperPid!;
      await x!.xdotool('keydown', 'ctrl', 'keydown', 'shift', 'keydown', 'F9');
      await waitUntil(() => t.turns().length === 1, 'pressed');

      process.kill(firstPid, 'SIGKILL');
      await waitUntil(() => t.turns().length === 2, 'released by the crash');
      expect(t.turns()).toEqual(['pressed', 'released:helper-exit']);
      await x!.xdotool('keyup', 'F9', 'keyup', 'shift', 'keyup', 'ctrl');
      const restarting = t.states().find((s) => s.state === 'restarting');
      expect(restarting?.error?.code).toBe('HOTKEY_HOOK_CRASHED');
      expect(restarting?.error?.message).toMatch(/SIGKILL/);

      await waitUntil(() => t.controller.state === 'hook' && t.children.length === 2, 'restarted');
      expect(isAlive(firstPid)).toBe(false);
      expect(t.controller.helperPid).not.toBe(firstPid);
      await x!.xdotool(
        ...['keydown', 'ctrl', 'keydown', 'shift', 'keydown', 'F9'],
        ...['keyup', 'F9', 'keyup', 'shift', 'keyup', 'ctrl'],
      );
      await waitUntil(() => t.turns().length === 4, 'second turn');
      expect(t.turns()).toEqual(['pressed', 'released:helper-exit', 'pressed', 'released:key']);
    },
  );

  it.skipIf(NO_X)('stop() ends a held turn and leaves no helper behind (needs Xvfb)', async () => {
    const t = make({ env: { ...process.env, DISPLAY: x!.display } });
    t.controller.start();
    await waitUntil(() => t.controller.state === 'hook', 'hook ready');
    const pid = t.controller.helperPid!;
    await x!.xdotool('keydown', 'ctrl', 'keydown', 'shift', 'keydown', 'F9');
    await waitUntil(() => t.turns().length === 1, 'pressed');
    await t.controller.stop();
    await x!.xdotool('keyup', 'F9', 'keyup', 'shift', 'keyup', 'ctrl');
    expect(t.turns()).toEqual(['pressed', 'released:stopped']);
    expect(t.controller.state).toBe('stopped');
    expect(isAlive(pid)).toBe(false);
    expect(t.children).toHaveLength(1);
  });
});
