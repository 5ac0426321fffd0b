import { describe, expect, it } from 'vitest';
import { result } from '../../../test-support/calculators.js';
import { getCalculator } from './registry.js';
import { shortSource, toSpeech } from './speech.js';

describe('toSpeech', () => {
  it('says the value, unit in words, interpretation and a short source', () => {
    const r = result(getCalculator('egfr-ckd-epi-2021')!, {
      age: 67,
      sex: 'female',
      creatinine: [1.4, 'mg/dL'],
    });
    expect(toSpeech(r)).toBe(
      'eGFR is 41 millilitres per minute per 1.73 square metres. G3b: moderately to severely decreased GFR (KDIGO) Source: Inker and colleagues, 2021.',
    );
  });

  it('says which unit it assumed and which default it used', () => {
    const r = result(getCalculator('crcl-cockcroft-gault')!, {
      age: 80,
      sex: 'male',
      weight: [72, 'kg'],
      creatinine: 1.2,
    });
    expect(toSpeech(r)).toMatch(
      /Serum creatinine taken as 1\.2 milligrams per decilitre\. Using actual body weight\./,
    );
  });

  it('reads scores in points and normalises subscripts', () => {
    const r = result(getCalculator('cha2ds2-vasc')!, {
      age: 70,
      sex: 'male',
      chf: false,
      hypertension: true,
      diabetes: true,
      stroke_tia: false,
      vascular: false,
    });
    expect(toSpeech(r)).toMatch(/^CHA2DS2-VASc is 3 points\. Oral anticoagulation recommended/);
  });

  it('shortens citations of people and of organisations', () => {
    expect(
      shortSource(
        'Mosteller RD. Simplified calculation of body-surface area. N Engl J Med. 1987;317:1098.',
        1987,
      ),
    ).toBe('Mosteller, 1987');
    expect(
      shortSource(
        'World Health Organization. Obesity: preventing and managing the global epidemic.',
        2000,
      ),
    ).toBe('World Health Organization, 2000');
    expect(shortSource('Du Bois D, Du Bois EF. A formula to estimate…', 1916)).toBe(
      'Du Bois and colleagues, 1916',
    );
  });
});
