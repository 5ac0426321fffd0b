import { describe, expect, it } from 'vitest';
import { HotkeyError } from './errors.js';
import { DEFAULT_HOTKEY, KEY_NAMES, formatHotkey, parseHotkey, type KeyName } from './hotkey.js';
import { uiohookKeycode } from './keycodes.js';

function invalid(text: string): string {
  try {
    parseHotkey(text, 'linux');
  } catch (e) {
    expect(e).toBeInstanceOf(HotkeyError);
    expect((e as HotkeyError).code).toBe('HOTKEY_INVALID');
    return (e as HotkeyError).message;
  }
  throw new Error(`"${text}" parsed`);
}

describe('parseHotkey', () => {
  it('parses the default and formats it back unchanged', () => {
    const h = parseHotkey(DEFAULT_HOTKEY, 'linux');
    expect(h).toEqual({ key: 'Space', ctrl: true, alt: true, shift: false, meta: false });
    expect(formatHotkey(h)).toBe(DEFAULT_HOTKEY);
  });

  it('accepts Control+Shift+F9 in any case, aliases and spacing', () => {
    const expected = { key: 'F9', ctrl: true, alt: false, shift: true, meta: false };
    expect(parseHotkey('Control+Shift+F9', 'linux')).toEqual(expected);
    expect(parseHotkey('ctrl + shift + f9', 'linux')).toEqual(expected);
    expect(parseHotkey('SHIFT+CTRL+F9', 'linux')).toEqual(expected);
    expect(formatHotkey(parseHotkey('shift+ctrl+f9', 'linux'))).toBe('Control+Shift+F9');
  });

  it('maps CommandOrControl per platform and Super/Meta/Cmd to the same modifier', () => {
    expect(parseHotkey('CmdOrCtrl+Alt+K', 'darwin')).toMatchObject({ ctrl: false, meta: true });
    expect(parseHotkey('CommandOrControl+Alt+K', 'win32')).toMatchObject({
      ctrl: true,
      meta: false,
    });
    for (const m of ['Super', 'Meta', 'Cmd', 'Command']) {
      expect(formatHotkey(parseHotkey(`${m}+F1`, 'linux'))).toBe('Super+F1');
    }
  });

  it('allows a bare function key but not a bare typing key', () => {
    expect(parseHotkey('F9', 'linux')).toEqual({
      key: 'F9',
      ctrl: false,
      alt: false,
      shift: false,
      meta: false,
    });
    expect(invalid('A')).toMatch(/would fire while typing/);
    expect(invalid('Shift+Space')).toMatch(/would fire while typing/);
    expect(parseHotkey('Alt+A', 'linux').key).toBe('A');
  });

  it('rejects malformed combinations with a message that says why', () => {
    expect(invalid('')).toMatch(/empty part/);
    expect(invalid('Control++F9')).toMatch(/empty part/);
    expect(invalid('Control+Alt')).toMatch(/only modifiers/);
    expect(invalid('Control+F9+F10')).toMatch(/two keys/);
    expect(invalid('Control+Control+F9')).toMatch(/repeats a modifier/);
    expect(invalid('Control+Banana')).toMatch(/"banana" is not a known key/);
  });

  it('has a uiohook keycode for every key name it accepts', () => {
    for (const name of KEY_NAMES) expect(uiohookKeycode(name as KeyName)).toBeGreaterThan(0);
    expect(uiohookKeycode('F9' as KeyName)).toBe(67); // the code uiohook reported under Xvfb
    expect(uiohookKeycode('Space' as KeyName)).toBe(57);
  });
});
