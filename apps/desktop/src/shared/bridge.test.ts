import { describe, expect, it } from 'vitest';
import {
  bindGlobalHotkey,
  isPickKind,
  MAX_PICKED_PATHS,
  parseHotkeyStatus,
  parseOverlayState,
  parsePickReply,
  parsePushToTalkWire,
  parseVoiceReport,
  type PushToTalkEvent,
  type PushToTalkTarget,
  type VoiceReport,
  type VoiceSnapshotLike,
} from './bridge.js';

describe('bridge payload validation', () => {
  it('file dialog: the kind is "files" or "folder"; the reply is paths or a coded error', () => {
    expect(['files', 'folder'].every(isPickKind)).toBe(true);
    for (const bad of ['file', 'Folder', '', null, 1, ['files']])
      expect(isPickKind(bad), JSON.stringify(bad)).toBe(false);

    expect(parsePickReply({ ok: true, value: [] })).toEqual({ ok: true, value: [] });
    expect(parsePickReply({ ok: true, value: ['/kb/a.pdf', 'C:\\kb'] })).toEqual({
      ok: true,
      value: ['/kb/a.pdf', 'C:\\kb'],
    });
    expect(parsePickReply({ ok: false, error: { code: 'PICK_BUSY', message: 'busy' } })).toEqual({
      ok: false,
      error: { code: 'PICK_BUSY', message: 'busy' },
    });
    for (const bad of [
      null,
      ['/kb'],
      { ok: true },
      { ok: true, value: '/kb' },
      { ok: true, value: [''] },
      { ok: true, value: [1] },
      { ok: true, value: Array.from({ length: MAX_PICKED_PATHS + 1 }, () => '/kb') },
      { ok: 'yes', value: [] },
      { ok: false, error: { code: '', message: 'x' } },
      { ok: false, error: 'PICK_FAILED' },
    ])
      expect(parsePickReply(bad), JSON.stringify(bad)).toBeNull();
  });

  it('push-to-talk: down/up with a finite, non-negative wall time only', () => {
    expect(parsePushToTalkWire({ type: 'down', wallAt: 1.5 })).toEqual({
      type: 'down',
      wallAt: 1.5,
    });
    expect(parsePushToTalkWire({ type: 'up', wallAt: 0, extra: 'x' })).toEqual({
      type: 'up',
      wallAt: 0,
    });
    for (const bad of [
      null,
      'down',
      [],
      { type: 'press', wallAt: 1 },
      { type: 'down' },
      { type: 'down', wallAt: Number.NaN },
      { type: 'down', wallAt: -1 },
      { type: 'down', wallAt: '1' },
    ])
      expect(parsePushToTalkWire(bad), JSON.stringify(bad)).toBeNull();
  });

  it('voice report: known phase, level in dBFS or null, held boolean; extra fields dropped', () => {
    expect(parseVoiceReport({ phase: 'listening', level: -31, held: true, text: 'PHI' })).toEqual({
      phase: 'listening',
      level: -31,
      held: true,
    });
    expect(parseVoiceReport({ phase: 'idle', level: null, held: false })).toEqual({
      phase: 'idle',
      level: null,
      held: false,
    });
    for (const bad of [
      { phase: 'shouting', level: null, held: false },
      { phase: 'idle', level: null },
      { phase: 'idle', level: 'loud', held: false },
      { phase: 'idle', level: Number.POSITIVE_INFINITY, held: false },
      { phase: 'idle', level: 1e9, held: false },
      { phase: 'idle', level: null, held: 1 },
      { phase: 'constructor', level: null, held: false },
    ])
      expect(parseVoiceReport(bad), JSON.stringify(bad)).toBeNull();
  });

  it('overlay state and hotkey status', () => {
    expect(parseOverlayState({ phase: 'thinking', level: null })).toEqual({
      phase: 'thinking',
      level: null,
    });
    expect(parseOverlayState({ phase: 'thinking' })).toBeNull();
    expect(parseHotkeyStatus({ accelerator: 'Control+Alt+Space', mode: 'hold' })).toEqual({
      accelerator: 'Control+Alt+Space',
      mode: 'hold',
    });
    expect(
      parseHotkeyStatus({
        accelerator: 'A+B',
        mode: 'toggle',
        error: { code: 'HOTKEY_NO_DISPLAY', message: 'No X display' },
      }),
    ).toEqual({
      accelerator: 'A+B',
      mode: 'toggle',
      error: { code: 'HOTKEY_NO_DISPLAY', message: 'No X display' },
    });
    expect(parseHotkeyStatus({ accelerator: 'A+B', mode: 'both' })).toBeNull();
    expect(
      parseHotkeyStatus({ accelerator: 'A+B', mode: 'none', error: { code: 'X' } }),
    ).toBeNull();
    expect(parseHotkeyStatus({ accelerator: 'x'.repeat(501), mode: 'none' })).toBeNull();
  });
});

/** A turn controller of the renderer's shape: press/release by source, snapshots to subscribers. */
class Controller implements PushToTalkTarget {
  state: VoiceSnapshotLike = { phase: 'idle', level: null, heldBy: null };
  readonly listeners = new Set<(s: VoiceSnapshotLike) => void>();
  press(source: string): void {
    if (this.state.heldBy !== null) return;
    this.set({ phase: 'listening', level: -40, heldBy: source });
  }
  release(source: string): void {
    if (this.state.heldBy !== source) return;
    this.set({ phase: 'thinking', level: null, heldBy: null });
  }
  set(s: VoiceSnapshotLike): void {
    this.state = s;
    for (const l of this.listeners) l(s);
  }
  subscribe(l: (s: VoiceSnapshotLike) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}

describe('bindGlobalHotkey', () => {
  it('turns hotkey down/up into press/release("hotkey") and reports changes of phase/level', () => {
    let ptt: ((e: PushToTalkEvent) => void) | undefined;
    const reports: VoiceReport[] = [];
    const bridge = {
      onPushToTalk: (l: (e: PushToTalkEvent) => void) => {
        ptt = l;
        return () => (ptt = undefined);
      },
      reportVoice: (r: VoiceReport) => reports.push(r),
    };
    const controller = new Controller();
    const unbind = bindGlobalHotkey(bridge, controller);
    expect(reports).toEqual([{ phase: 'idle', level: null, held: false }]);

    ptt!({ type: 'down', at: 10 });
    controller.set(controller.state); // same snapshot again: not re-reported
    ptt!({ type: 'up', at: 20 });
    expect(reports).toEqual([
      { phase: 'idle', level: null, held: false },
      { phase: 'listening', level: -40, held: true },
      { phase: 'thinking', level: null, held: false },
    ]);

    controller.press('space'); // the window's Space key: reported too (the overlay shows it)
    expect(reports.at(-1)).toEqual({ phase: 'listening', level: -40, held: true });
    ptt!({ type: 'up', at: 30 }); // the hotkey cannot end a Space turn
    expect(controller.state.heldBy).toBe('space');

    unbind();
    expect(ptt).toBeUndefined();
    expect(controller.listeners.size).toBe(0);
    expect(reports.at(-1)).toEqual({ phase: 'idle', level: null, held: false });
  });
});
