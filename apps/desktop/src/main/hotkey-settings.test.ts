import { describe, expect, it } from 'vitest';
import { chooseHotkey } from './hotkey-settings.js';
import { DEFAULT_HOTKEY } from './hotkey/index.js';

describe('chooseHotkey', () => {
  it('defaults when VOICEASSIST_HOTKEY is unset or blank', () => {
    expect(chooseHotkey({}, 'linux')).toEqual({ hotkey: DEFAULT_HOTKEY });
    expect(chooseHotkey({ VOICEASSIST_HOTKEY: '  ' }, 'linux')).toEqual({ hotkey: DEFAULT_HOTKEY });
  });

  it('takes a valid accelerator', () => {
    expect(chooseHotkey({ VOICEASSIST_HOTKEY: 'Control+Shift+F9' }, 'linux')).toEqual({
      hotkey: 'Control+Shift+F9',
    });
  });

  it('falls back to the default with a coded, actionable error for an invalid one', () => {
    const choice = chooseHotkey({ VOICEASSIST_HOTKEY: 'Control+Alt' }, 'linux');
    expect(choice.hotkey).toBe(DEFAULT_HOTKEY);
    expect(choice.error?.code).toBe('HOTKEY_INVALID');
    expect(choice.error?.message).toContain('VOICEASSIST_HOTKEY="Control+Alt" was ignored');
  });
});
