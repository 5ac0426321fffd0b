import { describe, expect, it } from 'vitest';
import { detectHookSupport, isDisplayReachable, parseDisplay } from './display.js';
import { decodeHookMessage, encodeHookMessage } from './protocol.js';

describe('detectHookSupport', () => {
  it('uses the hook on X11 with DISPLAY set', () => {
    expect(detectHookSupport({ DISPLAY: ':0', XDG_SESSION_TYPE: 'x11' }, 'linux')).toEqual({
      kind: 'hook',
    });
  });

  it('falls back without a display', () => {
    const s = detectHookSupport({}, 'linux');
    expect(s.kind === 'fallback' && s.error.code).toBe('HOTKEY_NO_DISPLAY');
    const blank = detectHookSupport({ DISPLAY: ' ' }, 'linux');
    expect(blank.kind === 'fallback' && blank.error.code).toBe('HOTKEY_NO_DISPLAY');
  });

  it('says X11 is required on Wayland, with or without XWayland', () => {
    for (const env of [
      { WAYLAND_DISPLAY: 'wayland-0' },
      { WAYLAND_DISPLAY: 'wayland-0', DISPLAY: ':0' },
      { XDG_SESSION_TYPE: 'wayland', DISPLAY: ':0' },
    ]) {
      const s = detectHookSupport(env, 'linux');
      expect(s.kind === 'fallback' && s.error.code).toBe('HOTKEY_X11_REQUIRED');
      expect(s.kind === 'fallback' && s.error.message).toMatch(/X11/);
    }
  });

  it('always uses the hook on Windows and macOS', () => {
    expect(detectHookSupport({}, 'win32')).toEqual({ kind: 'hook' });
    expect(detectHookSupport({}, 'darwin')).toEqual({ kind: 'hook' });
  });
});

describe('parseDisplay / isDisplayReachable', () => {
  it('parses local and TCP displays', () => {
    expect(parseDisplay(':1')).toEqual({ kind: 'local', number: 1 });
    expect(parseDisplay(':1.0')).toEqual({ kind: 'local', number: 1 });
    expect(parseDisplay('unix:7')).toEqual({ kind: 'local', number: 7 });
    expect(parseDisplay('localhost:10.0')).toEqual({ kind: 'tcp', host: 'localhost', port: 6010 });
    expect(parseDisplay('nonsense')).toBeUndefined();
  });

  it('reports a display nobody serves as unreachable', async () => {
    expect(await isDisplayReachable(':65000')).toBe(false);
    expect(await isDisplayReachable('garbage')).toBe(false);
  });
});

describe('hook protocol', () => {
  it('round-trips every message and rejects anything else', () => {
    for (const m of [
      { type: 'ready', hotkey: 'Control+Alt+Space' },
      { type: 'down' },
      { type: 'up', cause: 'modifier' },
      { type: 'error', code: 'HOTKEY_NO_DISPLAY', message: 'x' },
    ] as const) {
      expect(decodeHookMessage(encodeHookMessage(m).trim())).toEqual(m);
    }
    expect(decodeHookMessage('{"type":"down","extra":1}')).toBeUndefined();
    expect(decodeHookMessage('{"type":"error","code":"NOPE","message":"x"}')).toBeUndefined();
    expect(decodeHookMessage('settings_thread_proc [115]: XOpenDisplay failure!')).toBeUndefined();
  });
});
