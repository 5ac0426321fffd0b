import { describe, expect, it } from 'vitest';
import { speakablePlaceholders } from './speakable.js';

describe('speech text', () => {
  it('speaks placeholders as neutral words', () => {
    expect(speakablePlaceholders('Call [PATIENT_1] on [DATE_2] about [MRN_1].')).toBe(
      'Call the patient on that date about that detail.',
    );
  });
});
