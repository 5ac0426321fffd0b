import { describe, expect, it } from 'vitest';
import {
  afterTranscriptHeader,
  isTurnId,
  joinTranscript,
  parseAfterTranscript,
} from './transcript.js';

describe('transcripts', () => {
  it('joins final results: trimmed, empty ones left out, single spaces', () => {
    expect(joinTranscript([' what is ', '', 'high blood pressure '])).toBe(
      'what is high blood pressure',
    );
  });

  it('round-trips the after-transcript header and rejects malformed values', () => {
    const sha256 = 'a'.repeat(43);
    const turn = '6f1c2f4e-5b7a-4c1e-9d5e-3a2b1c0d9e8f';
    expect(isTurnId(turn)).toBe(true);
    expect(parseAfterTranscript(afterTranscriptHeader({ turn, sha256 }))).toEqual({ turn, sha256 });
    expect(parseAfterTranscript(undefined)).toBeUndefined();
    expect(parseAfterTranscript(`turn=${turn}; sha256=short`)).toBeUndefined();
    expect(parseAfterTranscript(`turn=a b; sha256=${sha256}`)).toBeUndefined();
  });
});
