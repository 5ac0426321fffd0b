import { describe, expect, it } from 'vitest';
import {
  IPC,
  type HotkeyStatus,
  type OverlayState,
  type PushToTalkWire,
} from '../shared/bridge.js';
import {
  HotkeyController,
  helperCommandFor,
  type GlobalShortcutLike,
  type HotkeyErrorInfo,
} from './hotkey/index.js';
import { OverlayController, type OverlaySurface } from './overlay-logic.js';
import { PushToTalkRelay, type RendererTarget } from './ptt-relay.js';

/**
 * The relay with the real HotkeyController in its globalShortcut fallback (no display here: no
 * helper is spawned) and the real OverlayController. The Electron parts are stood in by objects
 * of their shape: a globalShortcut registry, a window (WebContents: isDestroyed/send), a surface.
 */
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

class FakeWindow implements RendererTarget {
  destroyed = false;
  readonly sent: { channel: string; payload: unknown }[] = [];
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  on(channel: string): unknown[] {
    return this.sent.filter((s) => s.channel === channel).map((s) => s.payload);
  }
}

class RecordingSurface implements OverlaySurface {
  readonly calls: string[] = [];
  readonly states: OverlayState[] = [];
  showAtCursorDisplay(): void {
    this.calls.push('show');
  }
  hide(): void {
    this.calls.push('hide');
  }
  send(state: OverlayState): void {
    this.states.push(state);
  }
}

const ACCEL = 'Control+Shift+F9';

function setup(opts: { taken?: boolean; settingsError?: HotkeyErrorInfo } = {}) {
  const registry = new ShortcutRegistry();
  if (opts.taken) registry.register(ACCEL, () => undefined); // another application's
  let clock = 0;
  const hotkey = new HotkeyController({
    hotkey: ACCEL,
    helper: helperCommandFor('/nonexistent/hook-process.cjs'),
    env: {}, // no DISPLAY: the fallback, nothing spawned
    platform: 'linux',
    globalShortcut: registry,
    now: () => clock,
  });
  const window = new FakeWindow();
  const surface = new RecordingSurface();
  const notified: HotkeyErrorInfo[] = [];
  const relay = new PushToTalkRelay({
    hotkey,
    window,
    overlay: new OverlayController(surface),
    notify: (e) => notified.push(e),
    timeOrigin: 1_700_000_000_000,
    ...(opts.settingsError ? { settingsError: opts.settingsError } : {}),
  });
  hotkey.start();
  const press = (at: number): void => {
    clock = at;
    registry.callbacks.get(ACCEL)!();
  };
  return { hotkey, window, surface, notified, relay, press };
}

describe('PushToTalkRelay', () => {
  it('forwards hotkey presses to the window as down/up with a wall-clock time', () => {
    const t = setup();
    t.press(1000);
    t.press(5000); // the fallback toggles: the second press ends the turn
    expect(t.window.on(IPC.pushToTalk)).toEqual<PushToTalkWire[]>([
      { type: 'down', wallAt: 1_700_000_001_000 },
      { type: 'up', wallAt: 1_700_000_005_000 },
    ]);
  });

  it('sends the hotkey status (mode, accelerator, coded reason) and notifies only when it cannot work', () => {
    const t = setup();
    const statuses = t.window.on(IPC.hotkeyStatus) as HotkeyStatus[];
    expect(statuses.at(-1)).toEqual({
      accelerator: ACCEL,
      mode: 'toggle',
      error: expect.objectContaining({ code: 'HOTKEY_NO_DISPLAY' }) as unknown,
    });
    expect(t.notified).toEqual([]); // press-to-start/stop works: the window's status line is enough

    const taken = setup({ taken: true });
    expect((taken.window.on(IPC.hotkeyStatus) as HotkeyStatus[]).at(-1)).toMatchObject({
      mode: 'none',
      error: { code: 'HOTKEY_SHORTCUT_TAKEN' },
    });
    expect(taken.notified.map((e) => e.code)).toEqual(['HOTKEY_SHORTCUT_TAKEN']);
    taken.relay.resendStatus();
    expect(taken.notified).toHaveLength(1); // once per code
  });

  it('shows a settings error (invalid VOICEASSIST_HOTKEY) once and in the status', () => {
    const settingsError: HotkeyErrorInfo = { code: 'HOTKEY_INVALID', message: 'bad hotkey' };
    const t = setup({ settingsError });
    expect(t.notified).toEqual([settingsError]);
    t.relay.resendStatus();
    expect(t.notified).toHaveLength(1);
    // the controller's own error wins while there is one
    expect(t.relay.status.error?.code).toBe('HOTKEY_NO_DISPLAY');
  });

  it('a turn the renderer ends another way resets the toggle: the next press starts a turn', () => {
    const t = setup();
    t.press(1000);
    t.relay.onVoiceReport({ phase: 'starting', level: null, held: true });
    t.relay.onVoiceReport({ phase: 'thinking', level: null, held: false }); // ended in the window
    t.press(5000);
    expect(t.window.on(IPC.pushToTalk).map((w) => (w as PushToTalkWire).type)).toEqual([
      'down',
      'down',
    ]);
  });

  it('a stale "not held" report that crosses the key-down does not release the hotkey', () => {
    const t = setup();
    t.relay.onVoiceReport({ phase: 'idle', level: null, held: false });
    t.press(1000);
    t.relay.onVoiceReport({ phase: 'idle', level: null, held: false }); // sent before down arrived
    t.relay.onVoiceReport({ phase: 'listening', level: -30, held: true });
    t.press(5000);
    expect(t.window.on(IPC.pushToTalk).map((w) => (w as PushToTalkWire).type)).toEqual([
      'down',
      'up',
    ]);
  });

  it('drives the overlay from the reports: shown for a turn, follows phase and level, hidden at idle', () => {
    const t = setup();
    t.relay.onVoiceReport({ phase: 'idle', level: null, held: false });
    expect(t.surface.calls).toEqual([]);
    t.relay.onVoiceReport({ phase: 'starting', level: null, held: true });
    t.relay.onVoiceReport({ phase: 'listening', level: -42, held: true });
    t.relay.onVoiceReport({ phase: 'listening', level: -42, held: true }); // no change: not resent
    t.relay.onVoiceReport({ phase: 'thinking', level: -42, held: false });
    t.relay.onVoiceReport({ phase: 'speaking', level: null, held: false });
    t.relay.onVoiceReport({ phase: 'idle', level: null, held: false });
    expect(t.surface.calls).toEqual(['show', 'hide']);
    expect(t.surface.states).toEqual<OverlayState[]>([
      { phase: 'starting', level: null },
      { phase: 'listening', level: -42 },
      { phase: 'thinking', level: null },
      { phase: 'speaking', level: null },
      { phase: 'idle', level: null },
    ]);
  });

  it('a reload or crash of the window hides the overlay and releases the hotkey turn', () => {
    const t = setup();
    t.press(1000);
    t.relay.onVoiceReport({ phase: 'listening', level: -20, held: true });
    t.relay.rendererReset();
    expect(t.surface.calls).toEqual(['show', 'hide']);
    t.press(5000); // starts a new turn rather than "stopping" the lost one
    expect(t.window.on(IPC.pushToTalk).map((w) => (w as PushToTalkWire).type)).toEqual([
      'down',
      'down',
    ]);
  });

  it('sends nothing to a destroyed window, and nothing after dispose', () => {
    const t = setup();
    t.window.destroyed = true;
    const before = t.window.sent.length;
    t.press(1000);
    t.relay.resendStatus();
    expect(t.window.sent).toHaveLength(before);
    t.window.destroyed = false;
    t.relay.dispose();
    t.press(5000);
    expect(t.window.sent).toHaveLength(before);
  });
});
