import { HotkeyError } from './errors.js';

/**
 * A hotkey: one main key plus the modifiers that must be held with it. Parsed from the strings a
 * person types in Settings ("Control+Shift+F9") and formatted back as an Electron accelerator, so
 * the same value drives the uiohook helper (hold-to-talk) and `globalShortcut` (the fallback).
 */

/**
 * Why this default: uiohook only listens, it never swallows the key, so whatever the hotkey is also
 * reaches the focused application. EHR software binds bare function keys (a bare F9 would fire the
 * EHR's own F9 action on every turn); Control+Alt+Space is bound almost nowhere, stays holdable
 * with one hand, and `globalShortcut` accepts it on every platform.
 */
export const DEFAULT_HOTKEY = 'Control+Alt+Space';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');
const DIGITS = '0123456789'.split('');
const FUNCTION_KEYS = Array.from({ length: 24 }, (_, i) => `F${i + 1}`);
const NUMPAD_DIGITS = DIGITS.map((d) => `num${d}`);
const NAMED_KEYS = [
  'Space',
  'Tab',
  'Enter',
  'Escape',
  'Backspace',
  'Insert',
  'Delete',
  'Home',
  'End',
  'PageUp',
  'PageDown',
  'Up',
  'Down',
  'Left',
  'Right',
  'PrintScreen',
  'Scrolllock',
] as const;

/** Key names as Electron accelerators spell them. */
export const KEY_NAMES: readonly string[] = [
  ...LETTERS,
  ...DIGITS,
  ...FUNCTION_KEYS,
  ...NUMPAD_DIGITS,
  ...NAMED_KEYS,
];

export type KeyName = string & { readonly __keyName: unique symbol };

/** Keys that type something: bound without Control/Alt/Super they would fire while typing. */
const TYPING_KEYS = new Set<string>([
  ...LETTERS,
  ...DIGITS,
  ...NUMPAD_DIGITS,
  'Space',
  'Tab',
  'Enter',
  'Backspace',
  'Delete',
]);

const KEY_ALIASES: Readonly<Record<string, string>> = {
  return: 'Enter',
  esc: 'Escape',
  del: 'Delete',
  ins: 'Insert',
  pgup: 'PageUp',
  pgdn: 'PageDown',
  arrowup: 'Up',
  arrowdown: 'Down',
  arrowleft: 'Left',
  arrowright: 'Right',
  scrolllock: 'Scrolllock',
  printscreen: 'PrintScreen',
  prtsc: 'PrintScreen',
};

const KEY_BY_LOWER = new Map<string, string>(KEY_NAMES.map((k) => [k.toLowerCase(), k]));

export type Modifier = 'ctrl' | 'alt' | 'shift' | 'meta';
export const MODIFIERS: readonly Modifier[] = ['ctrl', 'alt', 'shift', 'meta'];

export type Hotkey = Readonly<{
  key: KeyName;
  ctrl: boolean;
  alt: boolean;
  shift: boolean;
  meta: boolean;
}>;

export type Platform = NodeJS.Platform;

function modifierOf(token: string, platform: Platform): Modifier | undefined {
  switch (token) {
    case 'control':
    case 'ctrl':
      return 'ctrl';
    case 'alt':
    case 'option':
      return 'alt';
    case 'shift':
      return 'shift';
    case 'super':
    case 'meta':
    case 'cmd':
    case 'command':
    case 'win':
      return 'meta';
    case 'commandorcontrol':
    case 'cmdorctrl':
      return platform === 'darwin' ? 'meta' : 'ctrl';
    default:
      return undefined;
  }
}

function keyOf(token: string): KeyName | undefined {
  const name = KEY_BY_LOWER.get(token) ?? KEY_ALIASES[token];
  return name as KeyName | undefined;
}

/** Parses "Control+Shift+F9" (case-insensitive, Electron accelerator spelling and common aliases). */
export function parseHotkey(text: string, platform: Platform = process.platform): Hotkey {
  const tokens = text.split('+').map((t) => t.trim().toLowerCase());
  if (tokens.some((t) => t === '')) {
    throw new HotkeyError('HOTKEY_INVALID', `"${text}" has an empty part.`);
  }
  const mods: Record<Modifier, boolean> = { ctrl: false, alt: false, shift: false, meta: false };
  let key: KeyName | undefined;
  for (const token of tokens) {
    const mod = modifierOf(token, platform);
    if (mod !== undefined) {
      if (mods[mod]) throw new HotkeyError('HOTKEY_INVALID', `"${text}" repeats a modifier.`);
      mods[mod] = true;
      continue;
    }
    const k = keyOf(token);
    if (k === undefined) throw new HotkeyError('HOTKEY_INVALID', `"${token}" is not a known key.`);
    if (key !== undefined) throw new HotkeyError('HOTKEY_INVALID', `"${text}" has two keys.`);
    key = k;
  }
  if (key === undefined) {
    throw new HotkeyError('HOTKEY_INVALID', `"${text}" has only modifiers; add a key.`);
  }
  if (TYPING_KEYS.has(key) && !mods.ctrl && !mods.alt && !mods.meta) {
    throw new HotkeyError(
      'HOTKEY_INVALID',
      `"${text}" would fire while typing; add Control, Alt or Super.`,
    );
  }
  return { key, ...mods };
}

/** The Electron accelerator for `globalShortcut`, also the canonical display form. */
export function formatHotkey(hotkey: Hotkey): string {
  const parts: string[] = [];
  if (hotkey.ctrl) parts.push('Control');
  if (hotkey.alt) parts.push('Alt');
  if (hotkey.shift) parts.push('Shift');
  if (hotkey.meta) parts.push('Super');
  parts.push(hotkey.key);
  return parts.join('+');
}
