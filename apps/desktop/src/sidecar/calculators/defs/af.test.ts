import { describe, expect, it } from 'vitest';
import { result, run, valueOf } from '../../../../test-support/calculators.js';
import { cha2ds2Vasc, hasBled } from './af.js';

const NO_CHA2DS2 = {
  chf: false,
  hypertension: false,
  diabetes: false,
  stroke_tia: false,
  vascular: false,
} as const;

describe('CHA₂DS₂-VASc (Lip et al., Chest 2010, Table 1 points)', () => {
  it('scores age 65–74 as 1 and 75+ as 2, female sex 1, stroke/TIA 2', () => {
    expect(valueOf(cha2ds2Vasc, { ...NO_CHA2DS2, age: 64, sex: 'male' })).toBe(0);
    expect(valueOf(cha2ds2Vasc, { ...NO_CHA2DS2, age: 65, sex: 'male' })).toBe(1);
    expect(valueOf(cha2ds2Vasc, { ...NO_CHA2DS2, age: 75, sex: 'female' })).toBe(3);
    expect(valueOf(cha2ds2Vasc, { ...NO_CHA2DS2, age: 50, sex: 'male', stroke_tia: true })).toBe(2);
  });
  it('reaches the published maximum of 9', () => {
    const all = { chf: true, hypertension: true, diabetes: true, stroke_tia: true, vascular: true };
    expect(valueOf(cha2ds2Vasc, { ...all, age: 80, sex: 'female' })).toBe(9);
  });
  it('recommends anticoagulation by the ESC 2020 thresholds, sex-specific', () => {
    expect(result(cha2ds2Vasc, { ...NO_CHA2DS2, age: 60, sex: 'female' }).interpretation).toMatch(
      /^Low risk/,
    );
    expect(
      result(cha2ds2Vasc, { ...NO_CHA2DS2, age: 60, sex: 'male', hypertension: true })
        .interpretation,
    ).toMatch(/should be considered/);
    expect(result(cha2ds2Vasc, { ...NO_CHA2DS2, age: 76, sex: 'male' }).interpretation).toMatch(
      /recommended/,
    );
  });
  it('asks one "which of these apply" question when only criteria are missing', () => {
    const e = run(cha2ds2Vasc, { age: 70, sex: 'male', hypertension: true });
    expect(e.status).toBe('needs-input');
    expect(e.status === 'needs-input' && e.prompt).toMatch(
      /^Which of these apply: Congestive heart failure/,
    );
  });
});

describe('HAS-BLED (Pisters et al., Chest 2010)', () => {
  const none = {
    hypertension: false,
    renal: false,
    liver: false,
    stroke: false,
    bleeding: false,
    labile_inr: false,
    drugs: false,
    alcohol: false,
  } as const;
  it('counts elderly as older than 65', () => {
    expect(valueOf(hasBled, { ...none, age: 65 })).toBe(0);
    expect(valueOf(hasBled, { ...none, age: 66 })).toBe(1);
  });
  it('reaches the maximum of 9 and calls 3 or more high risk', () => {
    const all = Object.fromEntries(Object.keys(none).map((k) => [k, true]));
    expect(valueOf(hasBled, { ...all, age: 80 })).toBe(9);
    expect(
      result(hasBled, { ...none, age: 70, stroke: true, bleeding: true }).interpretation,
    ).toMatch(/^High bleeding risk.*3\.74 major bleeds/);
  });
});
