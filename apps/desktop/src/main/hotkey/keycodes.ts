import { UiohookKey } from 'uiohook-napi';
import type { KeyName } from './hotkey.js';

/**
 * Our key names (Electron accelerator spelling) → uiohook keycodes. Imported only by the helper
 * process: loading uiohook-napi is harmless, but nothing in the parent needs the native module.
 */
type UiohookKeyName = keyof typeof UiohookKey;

const RENAMED: Readonly<Record<string, UiohookKeyName>> = {
  Up: 'ArrowUp',
  Down: 'ArrowDown',
  Left: 'ArrowLeft',
  Right: 'ArrowRight',
  Scrolllock: 'ScrollLock',
};

export function uiohookKeycode(key: KeyName): number {
  const numpad = /^num(\d)$/.exec(key);
  const name = numpad !== null ? `Numpad${numpad[1] ?? ''}` : (RENAMED[key] ?? key);
  const code = (UiohookKey as Readonly<Record<string, number>>)[name];
  if (code === undefined) throw new Error(`No uiohook keycode for key ${key}`); // KEY_NAMES and this table disagree
  return code;
}
