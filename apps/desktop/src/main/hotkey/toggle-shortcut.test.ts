import { describe, expect, it } from 'vitest';
import { HotkeyError } from './errors.js';
import {
  MIN_TOGGLE_GAP_MS,
  REPEAT_WINDOW_MS,
  ToggleShortcut,
  type GlobalShortcutLike,
} from './toggle-shortcut.js';

/** Behaves like Electron's globalShortcut: one owner per accelerator, register() false if taken. */
class ShortcutRegistry implements GlobalShortcutLike {
  readonly callbacks = new Map<string, () => void>();
  readonly takenByOthers = new Set<string>();

  register(accelerator: string, callback: () => void): boolean {
    if (this.takenByOthers.has(accelerator) || this.callbacks.has(accelerator)) return false;
    this.callbacks.set(accelerator, callback);
    return true;
  }

  unregister(accelerator: string): void {
    this.callbacks.delete(accelerator);
  }

  press(accelerator: string): void {
    this.callbacks.get(accelerator)?.();
  }
}

function setup() {
  const registry = new ShortcutRegistry();
  let clock = 0;
  const log: string[] = [];
  const toggle = new ToggleShortcut(
    registry,
    'Control+Alt+Space',
    { onStart: () => log.push('start'), onStop: () => log.push('stop') },
    () => clock,
  );
  const pressAt = (t: number): void => {
    clock = t;
    registry.press('Control+Alt+Space');
  };
  return { registry, toggle, log, pressAt };
}

describe('ToggleShortcut', () => {
  it('press starts, next press stops', () => {
    const { toggle, log, pressAt } = setup();
    toggle.register();
    expect(toggle.state).toBe('waiting');
    pressAt(1000);
    expect(toggle.state).toBe('active');
    pressAt(5000);
    pressAt(9000);
    expect(log).toEqual(['start', 'stop', 'start']);
  });

  it('a held key repeating (Windows fires the callback again and again) toggles once', () => {
    const { toggle, log, pressAt } = setup();
    toggle.register();
    pressAt(1000);
    // Windows: first repeat after the initial delay (up to 1 s), then every ~33 ms
    for (let t = 1000 + 1000; t < 4000; t += 33) pressAt(t);
    expect(log).toEqual(['start']);
    pressAt(4000 + REPEAT_WINDOW_MS + 1); // released, then pressed again
    expect(log).toEqual(['start', 'stop']);
  });

  it('ignores a second press inside the minimum gap', () => {
    const { toggle, log, pressAt } = setup();
    toggle.register();
    pressAt(1000);
    pressAt(1000 + MIN_TOGGLE_GAP_MS - 1);
    expect(log).toEqual(['start']);
  });

  it('reports a hotkey taken by another application with a coded error', () => {
    const { registry, toggle } = setup();
    registry.takenByOthers.add('Control+Alt+Space');
    expect(() => toggle.register()).toThrow(HotkeyError);
    try {
      toggle.register();
    } catch (e) {
      expect((e as HotkeyError).code).toBe('HOTKEY_SHORTCUT_TAKEN');
    }
    expect(toggle.state).toBe('off');
  });

  it('unregister stops an active turn and frees the accelerator', () => {
    const { registry, toggle, log, pressAt } = setup();
    toggle.register();
    pressAt(1000);
    toggle.unregister();
    expect(log).toEqual(['start', 'stop']);
    expect(registry.callbacks.size).toBe(0);
    expect(toggle.state).toBe('off');
  });

  it('markStopped resynchronises after the turn ended elsewhere', () => {
    const { toggle, log, pressAt } = setup();
    toggle.register();
    pressAt(1000);
    toggle.markStopped();
    pressAt(5000);
    expect(log).toEqual(['start', 'start']);
  });
});
