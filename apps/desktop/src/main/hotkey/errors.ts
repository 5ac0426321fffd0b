import { CodedError, ERROR_AREAS, ERRORS, type CodeOf } from '../../shared/errors.js';

/**
 * Coded errors of the push-to-talk hotkey (codes and messages: shared/error-codes.ts, area
 * `hotkey`). The UI and tests branch on the code; the message tells a person what to do.
 */
export const HOTKEY_ERRORS = ERROR_AREAS.hotkey;
export type HotkeyErrorCode = CodeOf<'hotkey'>;

/** Plain data for events and process boundaries (never an Error instance). */
export interface HotkeyErrorInfo {
  readonly code: HotkeyErrorCode;
  readonly message: string;
}

export class HotkeyError extends CodedError<HotkeyErrorCode> {
  override readonly name = 'HotkeyError';

  constructor(code: HotkeyErrorCode, detail?: string) {
    super(code, detail === undefined ? ERRORS[code] : `${ERRORS[code]} ${detail}`);
  }

  override toInfo(): HotkeyErrorInfo {
    return { code: this.code, message: this.message };
  }
}

export function hotkeyErrorInfo(code: HotkeyErrorCode, detail?: string): HotkeyErrorInfo {
  return new HotkeyError(code, detail).toInfo();
}

export function isHotkeyErrorCode(code: string): code is HotkeyErrorCode {
  return Object.hasOwn(HOTKEY_ERRORS, code);
}
