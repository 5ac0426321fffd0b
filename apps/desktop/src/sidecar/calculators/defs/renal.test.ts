import { describe, expect, it } from 'vitest';
import { run as evaluateTyped, valueOf as value } from '../../../../test-support/calculators.js';
import {
  ckdEpi2009,
  ckdEpi2021,
  ckdEpi2021CrCys,
  cockcroftGault,
  mdrd175,
  mdrd186,
} from './renal.js';

describe('CKD-EPI 2021 creatinine (Inker et al., NEJM 2021)', () => {
  // NKF CKD-EPI 2021 online calculator values, as asserted in pharmaverse/admiral's
  // test-compute_kidney.R (Apache-2.0), reported to whole mL/min/1.73 m².
  it('matches the NKF calculator: 55-year-old man, creatinine 1.09 mg/dL → 80', () => {
    expect(
      Math.round(value(ckdEpi2021, { age: 55, sex: 'male', creatinine: [1.09, 'mg/dL'] })),
    ).toBe(80);
  });
  it('matches the NKF calculator: 65-year-old woman, creatinine 85 µmol/L → 66', () => {
    expect(
      Math.round(value(ckdEpi2021, { age: 65, sex: 'female', creatinine: [85, 'µmol/L'] })),
    ).toBe(66);
  });
  // Hand-evaluated from the published equation: 142 × min(Scr/0.7,1)^−0.241 × max(Scr/0.7,1)^−1.2
  // × 0.9938^age × 1.012 for women.
  it('evaluates the equation for a 67-year-old woman with creatinine 1.4 mg/dL (41.2)', () => {
    expect(value(ckdEpi2021, { age: 67, sex: 'female', creatinine: [1.4, 'mg/dL'] })).toBeCloseTo(
      41.2349,
      3,
    );
  });
  it('uses the low-creatinine branch (Scr below κ): 30-year-old woman, 0.6 mg/dL → 123.8', () => {
    expect(value(ckdEpi2021, { age: 30, sex: 'female', creatinine: 0.6 })).toBeCloseTo(123.7579, 3);
  });
  it('stages by KDIGO category on the reported value', () => {
    const e = evaluateTyped(ckdEpi2021, { age: 67, sex: 'female', creatinine: [1.4, 'mg/dL'] });
    expect(e.status === 'ok' && e.result.display).toBe('41');
    expect(e.status === 'ok' && e.result.interpretation).toMatch(/^G3b/);
  });
});

describe('CKD-EPI 2021 creatinine–cystatin C (Inker et al., NEJM 2021)', () => {
  // Hand-evaluated from the published equation: 135 × min(Scr/κ,1)^α × max(Scr/κ,1)^−0.544
  // × min(Scys/0.8,1)^−0.323 × max(Scys/0.8,1)^−0.778 × 0.9961^age × 0.963 for women.
  it('60-year-old man, creatinine 1.0 mg/dL, cystatin C 1.2 mg/L → 73.6', () => {
    expect(
      value(ckdEpi2021CrCys, { age: 60, sex: 'male', creatinine: 1.0, cystatin_c: [1.2, 'mg/L'] }),
    ).toBeCloseTo(73.5562, 3);
  });
  it('40-year-old woman, creatinine 0.6 mg/dL, cystatin C 0.7 mg/L → 120.1', () => {
    expect(
      value(ckdEpi2021CrCys, { age: 40, sex: 'female', creatinine: 0.6, cystatin_c: 0.7 }),
    ).toBeCloseTo(120.0799, 3);
  });
});

describe('CKD-EPI 2009 and MDRD', () => {
  // MDCalc MDRD values as asserted in pharmaverse/admiral test-compute_kidney.R (Apache-2.0).
  it('MDRD (175): 55-year-old white man, creatinine 1.09 mg/dL → 70.2', () => {
    expect(value(mdrd175, { age: 55, sex: 'male', creatinine: 1.09, black: false })).toBeCloseTo(
      70.2,
      1,
    );
  });
  it('MDRD (175): 65-year-old Black woman, creatinine 85 µmol/L → 70.6', () => {
    expect(
      value(mdrd175, { age: 65, sex: 'female', creatinine: [85, 'umol/L'], black: true }),
    ).toBeCloseTo(70.6, 1);
  });
  // Hand-evaluated: 186 × (120/88.4)^−1.154 × 45.2^−0.203 = 60.30.
  it('MDRD (186, original): 45.2-year-old man, creatinine 120 µmol/L → 60.3', () => {
    expect(
      value(mdrd186, { age: 45.2, sex: 'male', creatinine: [120, 'µmol/L'], black: false }),
    ).toBeCloseTo(60.3, 1);
  });
  // Hand-evaluated: 141 × (1.3575/0.9)^−1.209 × 0.993^45.2 = 62.45 (Levey 2009, Table 2 form).
  it('CKD-EPI 2009: 45.2-year-old man, creatinine 120 µmol/L → 62.5', () => {
    expect(
      value(ckdEpi2009, { age: 45.2, sex: 'male', creatinine: [120, 'µmol/L'], black: false }),
    ).toBeCloseTo(62.45, 1);
  });
});

describe('Cockcroft-Gault (Cockcroft & Gault, Nephron 1976)', () => {
  // (140 − age) × weight / (72 × Scr), × 0.85 for women.
  it('40-year-old man, 72 kg, creatinine 1.0 mg/dL → exactly 100 mL/min', () => {
    expect(
      value(cockcroftGault, { age: 40, sex: 'male', weight: [72, 'kg'], creatinine: 1 }),
    ).toBeCloseTo(100, 9);
  });
  // NKF Cockcroft-Gault calculator values, as asserted in admiral test-compute_kidney.R.
  it('matches the NKF calculator: 55-year-old man, 90 kg, 1.09 mg/dL → 97', () => {
    expect(
      Math.round(
        value(cockcroftGault, { age: 55, sex: 'male', weight: [90, 'kg'], creatinine: 1.09 }),
      ),
    ).toBe(97);
  });
  it('matches the NKF calculator: 65-year-old woman, 60 kg, 85 µmol/L → 55', () => {
    expect(
      Math.round(
        value(cockcroftGault, {
          age: 65,
          sex: 'female',
          weight: [60, 'kg'],
          creatinine: [85, 'µmol/L'],
        }),
      ),
    ).toBe(55);
  });
  it('accepts pounds: 158.73 lb is 72 kg', () => {
    expect(
      value(cockcroftGault, { age: 40, sex: 'male', weight: [158.733, 'lb'], creatinine: 1 }),
    ).toBeCloseTo(100, 2);
  });
  // Devine IBW for a 180 cm man: 50 + 2.3 × (70.87 − 60) = 74.99 kg; adjusted for 120 kg:
  // 74.99 + 0.4 × (120 − 74.99) = 93.00 kg.
  it('uses ideal and adjusted body weight when asked', () => {
    const base = {
      age: 60,
      sex: 'male',
      weight: [120, 'kg'] as [number, string],
      height: [180, 'cm'] as [number, string],
      creatinine: 1.2,
    };
    expect(value(cockcroftGault, { ...base, weight_basis: 'ideal' })).toBeCloseTo(69.4372, 3);
    expect(value(cockcroftGault, { ...base, weight_basis: 'adjusted' })).toBeCloseTo(86.1067, 3);
    expect(value(cockcroftGault, { ...base, weight_basis: 'bmi' })).toBeCloseTo(86.1067, 3);
  });
  it('asks for the height when the weight basis needs it', () => {
    const e = evaluateTyped(cockcroftGault, {
      age: 60,
      sex: 'male',
      weight: [120, 'kg'] as [number, string],
      creatinine: 1.2,
      weight_basis: 'ideal',
    });
    expect(e.status).toBe('needs-input');
    expect(e.status === 'needs-input' && e.questions.map((q) => q.input)).toEqual(['height']);
  });
});

describe('renal inputs that must not produce a number', () => {
  it('asks for what is missing', () => {
    const e = evaluateTyped(ckdEpi2021, { creatinine: [1.4, 'mg/dL'], sex: 'female' });
    expect(e).toMatchObject({ status: 'needs-input', prompt: 'How old is the patient?' });
  });
  it('confirms a unit-less creatinine that only fits µmol/L', () => {
    const e = evaluateTyped(ckdEpi2021, { age: 67, sex: 'female', creatinine: 120 });
    expect(e).toMatchObject({
      status: 'needs-input',
      questions: [
        {
          code: 'CALC_UNIT_AMBIGUOUS',
          input: 'creatinine',
          text: 'Serum creatinine 120 — is that µmol/L?',
        },
      ],
    });
  });
  it('takes a unit-less creatinine that only fits mg/dL, and says it assumed the unit', () => {
    const e = evaluateTyped(ckdEpi2021, { age: 67, sex: 'female', creatinine: 1.4 });
    expect(e.status === 'ok' && e.result.inputs.find((i) => i.name === 'creatinine')).toMatchObject(
      {
        unitAssumed: true,
        unit: 'mg/dL',
      },
    );
  });
  it('rejects an implausible value with a coded error', () => {
    const e = evaluateTyped(ckdEpi2021, { age: 67, sex: 'female', creatinine: [1.4, 'g/dL'] });
    expect(e).toMatchObject({ status: 'error', error: { code: 'CALC_UNIT_UNKNOWN' } });
    const f = evaluateTyped(ckdEpi2021, { age: 12, sex: 'female', creatinine: 1 });
    expect(f).toMatchObject({
      status: 'error',
      error: { code: 'CALC_INPUT_OUT_OF_RANGE', input: 'age' },
    });
    const g = evaluateTyped(ckdEpi2021, { age: 67, sex: 'female', creatinine: [300, 'mg/dL'] });
    expect(g).toMatchObject({ status: 'error', error: { code: 'CALC_INPUT_OUT_OF_RANGE' } });
  });
  it('rejects inputs the calculator does not have, and wrong types', () => {
    expect(
      evaluateTyped(ckdEpi2021, { age: 67, sex: 'female', creatinine: 1, weight: 70 }),
    ).toMatchObject({
      status: 'error',
      error: { code: 'CALC_INPUT_UNKNOWN', input: 'weight' },
    });
    expect(evaluateTyped(ckdEpi2021, { age: 67, sex: 'other', creatinine: 1 })).toMatchObject({
      status: 'error',
      error: { code: 'CALC_INPUT_INVALID', input: 'sex' },
    });
  });
});
