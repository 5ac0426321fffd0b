import { describe, expect, it } from 'vitest';
import { ComboTracker, type ComboTransition, type KeyEvent } from './combo-tracker.js';
import { parseHotkey } from './hotkey.js';

// uiohook keycodes
const F9 = 67;
const SPACE = 57;
const CTRL = 29;
const SHIFT = 42;
const ALT = 56;

type Mods = Partial<Pick<KeyEvent, 'ctrl' | 'alt' | 'shift' | 'meta'>>;
const NONE = { ctrl: false, alt: false, shift: false, meta: false };
const down = (keycode: number, mods: Mods = {}): KeyEvent => ({
  kind: 'keydown',
  keycode,
  ...NONE,
  ...mods,
});
const up = (keycode: number, mods: Mods = {}): KeyEvent => ({
  kind: 'keyup',
  keycode,
  ...NONE,
  ...mods,
});

function run(hotkey: string, keycode: number, events: readonly KeyEvent[]): ComboTransition[] {
  const tracker = new ComboTracker(parseHotkey(hotkey, 'linux'), keycode);
  return events.map((e) => tracker.feed(e)).filter((t): t is ComboTransition => t !== null);
}

const CS = { ctrl: true, shift: true };

describe('ComboTracker', () => {
  it('turns a held key with X auto-repeat into exactly one down and one up', () => {
    const repeats = Array.from({ length: 40 }, () => down(F9, CS));
    expect(
      run('Control+Shift+F9', F9, [
        down(CTRL, { ctrl: true }),
        down(SHIFT, CS),
        down(F9, CS),
        ...repeats,
        up(F9, CS),
        up(SHIFT, { ctrl: true }),
        up(CTRL),
      ]),
    ).toEqual([{ type: 'down' }, { type: 'up', cause: 'key' }]);
  });

  it('ends the press when a required modifier is released, and repeats cannot restart it', () => {
    expect(
      run('Control+Shift+F9', F9, [
        down(CTRL, { ctrl: true }),
        down(SHIFT, CS),
        down(F9, CS),
        up(SHIFT, { ctrl: true }), // turn ends here although F9 is still held
        down(F9, { ctrl: true }),
        down(SHIFT, CS), // Shift pressed again while F9 still auto-repeats
        down(F9, CS),
        down(F9, CS),
        up(F9, CS),
        up(SHIFT, { ctrl: true }),
        up(CTRL),
      ]),
    ).toEqual([{ type: 'down' }, { type: 'up', cause: 'modifier' }]);
  });

  it('starts again on the next fresh press after a modifier release', () => {
    const press = [down(F9, CS), up(F9, CS)];
    expect(
      run('Control+Shift+F9', F9, [
        down(F9, CS),
        up(SHIFT, { ctrl: true }),
        up(F9, { ctrl: true }),
        ...press,
      ]),
    ).toEqual([
      { type: 'down' },
      { type: 'up', cause: 'modifier' },
      { type: 'down' },
      { type: 'up', cause: 'key' },
    ]);
  });

  it('requires the modifiers exactly, as globalShortcut does', () => {
    expect(run('Control+Shift+F9', F9, [down(F9, { ctrl: true }), up(F9, { ctrl: true })])).toEqual(
      [],
    );
    expect(run('Control+Shift+F9', F9, [down(F9), up(F9)])).toEqual([]);
    expect(
      run('Control+Shift+F9', F9, [down(F9, { ...CS, alt: true }), up(F9, { ...CS, alt: true })]),
    ).toEqual([]);
    expect(run('F9', F9, [down(F9, { ctrl: true }), up(F9, { ctrl: true })])).toEqual([]);
  });

  it('keeps the press when an extra modifier or another key is pressed meanwhile', () => {
    const CA = { ctrl: true, alt: true };
    expect(
      run('Control+Alt+Space', SPACE, [
        down(SPACE, CA),
        down(SHIFT, { ...CA, shift: true }),
        up(SHIFT, CA),
        down(30, CA),
        up(30, CA),
        up(SPACE, CA),
        up(ALT, { ctrl: true }),
      ]),
    ).toEqual([{ type: 'down' }, { type: 'up', cause: 'key' }]);
  });

  it('does not start from auto-repeat when modifiers arrive after the key', () => {
    expect(
      run('Control+Shift+F9', F9, [
        down(F9),
        down(CTRL, { ctrl: true }),
        down(SHIFT, CS),
        down(F9, CS),
        up(F9, CS),
      ]),
    ).toEqual([]);
  });

  it('ignores a lone key-up (hook started while the key was held)', () => {
    expect(run('F9', F9, [up(F9), down(F9), up(F9)])).toEqual([
      { type: 'down' },
      { type: 'up', cause: 'key' },
    ]);
  });
});
