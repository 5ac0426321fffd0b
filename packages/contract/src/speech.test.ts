import { describe, expect, it } from 'vitest';
import {
  SentenceSplitter,
  parseSpeakAhead,
  speakAheadHeader,
  speakablePlaceholders,
  spokenTextOf,
  withoutCitations,
} from './speech.js';

describe('speech text', () => {
  it('speaks placeholders as neutral words', () => {
    expect(speakablePlaceholders('Call [PATIENT_1] on [DATE_2] about [MRN_1].')).toBe(
      'Call the patient on that date about that detail.',
    );
  });

  it('derives the spoken text of a cited sentence, and none for an uncited one', () => {
    const s = new SentenceSplitter();
    const [first] = s.push('[PATIENT_1] should be seen within a week [2]. Rest ');
    expect(first).toBe('[PATIENT_1] should be seen within a week [2].');
    expect(spokenTextOf(first ?? '', 3)).toBe('the patient should be seen within a week.');
    expect(spokenTextOf(first ?? '', 1)).toBeUndefined(); // [2] is outside one passage
    expect(spokenTextOf('Nothing cited here.', 3)).toBeUndefined();
    expect(withoutCitations('Common [1, 3] , mostly [2].')).toBe('Common, mostly.');
  });

  it('round-trips the speak-ahead header and rejects malformed values', () => {
    const h = speakAheadHeader({ passages: 3, format: 'pcm_24000' });
    expect(parseSpeakAhead(h)).toEqual({ passages: 3, format: 'pcm_24000' });
    expect(parseSpeakAhead(undefined)).toBeUndefined();
    expect(parseSpeakAhead('passages=0; format=pcm_24000')).toBeUndefined();
    expect(parseSpeakAhead('passages=3; format=wav')).toBeUndefined();
  });
});
