/**
 * Coded errors of the push-to-talk hotkey. A code is a stable contract (the UI and tests branch on
 * it); the message tells a person what to do. Kept here rather than in src/shared/errors.ts until
 * the hotkey status crosses the RPC boundary.
 */
export const HOTKEY_ERRORS = {
  HOTKEY_INVALID:
    'The hotkey is not valid. Use modifiers and one key joined by "+", e.g. "Control+Alt+Space" or "Control+Shift+F9".',
  HOTKEY_NO_DISPLAY:
    'No X display (DISPLAY is not set), so hold-to-talk cannot watch the keyboard. The hotkey works as press-to-start / press-to-stop instead.',
  HOTKEY_X11_REQUIRED:
    'Hold-to-talk needs an X11 session; this is a Wayland session. The hotkey works as press-to-start / press-to-stop instead; log in with an X11 (Xorg) session for hold-to-talk.',
  HOTKEY_DISPLAY_UNREACHABLE:
    'The X display named in DISPLAY does not answer. Check that the X server is running and DISPLAY is right.',
  HOTKEY_HOOK_FAILED: 'The keyboard hook could not start.',
  HOTKEY_HOOK_CRASHED: 'The keyboard hook process stopped unexpectedly.',
  HOTKEY_HOOK_UNAVAILABLE:
    'The keyboard hook keeps failing, so hold-to-talk is off. The hotkey works as press-to-start / press-to-stop instead.',
  HOTKEY_READY_TIMEOUT: 'The keyboard hook did not start in time.',
  HOTKEY_PROTOCOL: 'The keyboard hook process sent a message that is not part of its protocol.',
  HOTKEY_SHORTCUT_TAKEN:
    'Another application already uses this hotkey. Choose a different hotkey in Settings.',
} as const;

export type HotkeyErrorCode = keyof typeof HOTKEY_ERRORS;

/** Plain data for events and process boundaries (never an Error instance). */
export interface HotkeyErrorInfo {
  readonly code: HotkeyErrorCode;
  readonly message: string;
}

export class HotkeyError extends Error {
  override readonly name = 'HotkeyError';
  readonly code: HotkeyErrorCode;

  constructor(code: HotkeyErrorCode, detail?: string) {
    super(detail === undefined ? HOTKEY_ERRORS[code] : `${HOTKEY_ERRORS[code]} ${detail}`);
    this.code = code;
  }

  toInfo(): HotkeyErrorInfo {
    return { code: this.code, message: this.message };
  }
}

export function hotkeyErrorInfo(code: HotkeyErrorCode, detail?: string): HotkeyErrorInfo {
  return new HotkeyError(code, detail).toInfo();
}

export function isHotkeyErrorCode(code: string): code is HotkeyErrorCode {
  return Object.hasOwn(HOTKEY_ERRORS, code);
}
