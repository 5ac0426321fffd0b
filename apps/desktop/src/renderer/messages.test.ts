import { describe, expect, it } from 'vitest';
import { ERRORS } from '../shared/errors.js';
import { isNotice, onePerCause, wordsFor } from './messages.js';

describe('words, not codes', () => {
  it('gives every code the issue names one sentence of what happened and what to do, the code kept apart', () => {
    for (const code of [
      'PROVIDER_NOT_CONFIGURED',
      'LLM_UNCITED',
      'INGEST_DUPLICATE',
      'MIC_DENIED',
      'VOICE_STT_NOT_CONFIGURED',
      'KB_PATH_NOT_FOUND',
      'TTS_PLAYBACK',
    ]) {
      const w = wordsFor({ code, message: `engine wording for ${code}` });
      expect(w.code).toBe(code);
      expect(w.text).not.toContain(code);
      expect(w.text).toMatch(/^[A-Z].*[.]$/);
      expect(w.detail).toBe(`engine wording for ${code}`);
    }
  });

  it('takes its words from the one error registry, {what} filled in, never a second list', () => {
    expect(wordsFor({ code: 'KB_BUSY', message: ERRORS.KB_BUSY })).toEqual({
      tone: 'notice',
      text: ERRORS.KB_BUSY,
      code: 'KB_BUSY',
    });
    const ai = wordsFor({ code: 'PROVIDER_NOT_CONFIGURED', message: '' });
    expect(ai.text).toBe(ERRORS.PROVIDER_NOT_CONFIGURED.replace('{what}', 'AI answers'));
    expect(
      wordsFor({ code: 'PROVIDER_TIMEOUT', message: '' }, 'speech recognition').text,
    ).toContain('speech recognition');
  });

  it('treats fallbacks that worked as notices, not errors', () => {
    expect(isNotice('LLM_UNCITED')).toBe(true);
    expect(isNotice('TTS_PLAYBACK')).toBe(true);
    expect(isNotice('INGEST_DUPLICATE')).toBe(true);
    expect(isNotice('PROVIDER_NOT_CONFIGURED')).toBe(true);
    expect(isNotice('MIC_DENIED')).toBe(false);
  });

  it('uses the engine’s sentence for an unknown code only when it reads as one, never a code', () => {
    expect(wordsFor({ code: 'NEW_THING', message: 'The calendar is offline.' }).text).toBe(
      'The calendar is offline.',
    );
    const raw = wordsFor({ code: 'NEW_THING', message: 'ECONNRESET in FOO_BAR handler {x}' });
    expect(raw.text).toBe(
      'Something went wrong. Try again; if it keeps happening, see Diagnostics.',
    );
    expect(raw.detail).toBe('ECONNRESET in FOO_BAR handler {x}');
  });

  it('shows one message per cause', () => {
    const errors = [
      { code: 'VOICE_STT_NOT_CONFIGURED' },
      { code: 'VOICE_SERVER_NOT_CONFIGURED' },
      { code: 'EGRESS_BLOCKED' },
      { code: 'PHI_BLOCKED' },
      { code: 'LLM_UNCITED' },
    ];
    expect(onePerCause(errors).map((e) => e.code)).toEqual([
      'VOICE_STT_NOT_CONFIGURED',
      'EGRESS_BLOCKED',
      'LLM_UNCITED',
    ]);
  });
});
