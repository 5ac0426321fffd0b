import { describe, expect, it } from 'vitest';
import { result, run, valueOf } from '../../../../test-support/calculators.js';
import { cha2ds2Vasc, grace, hasBled, heartScore } from './cardiac.js';

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

describe('HEART score (Six et al., Neth Heart J 2008; bands from Backus 2013)', () => {
  it('scores each element 0–2 and bands 0–3 / 4–6 / 7–10', () => {
    const low = {
      history: 'slight',
      ecg: 'normal',
      age: 40,
      risk_factors: 'none',
      troponin: 'normal',
    };
    expect(valueOf(heartScore, low)).toBe(0);
    const r = result(heartScore, {
      history: 'moderate',
      ecg: 'nonspecific',
      age: 50,
      risk_factors: '1-2',
      troponin: 'normal',
    });
    expect(r.value).toBe(4);
    expect(r.interpretation).toMatch(/^Moderate risk/);
    expect(
      valueOf(heartScore, {
        history: 'high',
        ecg: 'st-deviation',
        age: 70,
        risk_factors: '3+',
        troponin: '>3x',
      }),
    ).toBe(10);
  });
});

describe('GRACE in-hospital mortality (Granger et al., Arch Intern Med 2003, nomogram points)', () => {
  // 65 y (58) + HR 95 (15) + SBP 130 (34) + creatinine 1.3 mg/dL (10) + Killip II (20) + ST
  // deviation (28) + elevated enzymes (14) = 179.
  it('adds the nomogram points', () => {
    const r = result(grace, {
      age: 65,
      heart_rate: 95,
      systolic_bp: [130, 'mmHg'],
      creatinine: [1.3, 'mg/dL'],
      killip: 'ii',
      cardiac_arrest: false,
      st_deviation: true,
      elevated_enzymes: true,
    });
    expect(r.value).toBe(179);
    expect(r.interpretation).toMatch(/^High risk/);
  });
  it('uses the lowest bands at their lower edges', () => {
    expect(
      valueOf(grace, {
        age: 29,
        heart_rate: 49,
        systolic_bp: [200, 'mmHg'],
        creatinine: [0.3, 'mg/dL'],
        killip: 'i',
        cardiac_arrest: false,
        st_deviation: false,
        elevated_enzymes: false,
      }),
    ).toBe(1);
  });
});
