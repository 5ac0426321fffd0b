import { describe, expect, it } from 'vitest';
import { wordsToDigits } from './spoken-numbers.js';

describe('wordsToDigits', () => {
  it.each([
    ['creatinine one point four', 'creatinine 1.4'],
    ['sixty-seven year old woman', '67 year old woman'],
    ['sixty seven year old', '67 year old'],
    ['weight a hundred and twenty kilos', 'weight 120 kilos'],
    ['sodium one hundred thirty one', 'sodium 131'],
    ['heart rate 110, no other findings', 'heart rate 110, no other findings'],
    ['INR two point zero five', 'INR 2.05'],
    ['a patient with one risk factor', 'a patient with 1 risk factor'],
    ['BP one fifty over ninety', 'BP 150 over 90'],
    ['heart rate one oh five', 'heart rate 105'],
    ['systolic one fifteen', 'systolic 115'],
    ['twenty one', '21'],
  ])('%s → %s', (input, expected) => {
    expect(wordsToDigits(input)).toBe(expected);
  });
});
