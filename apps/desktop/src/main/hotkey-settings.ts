import { DEFAULT_HOTKEY, HotkeyError, parseHotkey, type HotkeyErrorInfo } from './hotkey/index.js';

/**
 * The push-to-talk hotkey from settings. Until a settings store reaches main, the policy is the
 * environment: VOICEASSIST_HOTKEY (Electron accelerator spelling, e.g. "Control+Shift+F9"),
 * default DEFAULT_HOTKEY. An invalid value is not fatal: the default is used and the coded error is
 * shown to the person, who can then fix the setting.
 */
export interface HotkeyChoice {
  readonly hotkey: string;
  readonly error?: HotkeyErrorInfo;
}

export function chooseHotkey(
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform = process.platform,
): HotkeyChoice {
  const wanted = env.VOICEASSIST_HOTKEY?.trim();
  if (wanted === undefined || wanted === '') return { hotkey: DEFAULT_HOTKEY };
  try {
    parseHotkey(wanted, platform);
    return { hotkey: wanted };
  } catch (e) {
    if (!(e instanceof HotkeyError)) throw e;
    return {
      hotkey: DEFAULT_HOTKEY,
      error: {
        code: e.code,
        message: `${e.message} VOICEASSIST_HOTKEY="${wanted.slice(0, 60)}" was ignored; using ${DEFAULT_HOTKEY}.`,
      },
    };
  }
}
