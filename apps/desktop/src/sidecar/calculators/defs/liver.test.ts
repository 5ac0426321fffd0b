import { describe, expect, it } from 'vitest';
import { result, valueOf } from '../../../../test-support/calculators.js';
import { childPugh, meld, meld3, meldNa, meldNa2008, ukeld } from './liver.js';

describe('MELD (Kamath et al., Hepatology 2001; UNOS bounds)', () => {
  // 3.78 ln(54/17.1) + 11.2 ln 2 + 9.57 ln(170/88.4) + 6.43 = 24.798 (SI inputs).
  it('INR 2.0, bilirubin 54 µmol/L, creatinine 170 µmol/L → 24.798', () => {
    const v = valueOf(meld, {
      inr: 2,
      bilirubin: [54, 'µmol/L'],
      creatinine: [170, 'µmol/L'],
      dialysis: false,
    });
    expect(v).toBeCloseTo(24.798, 3);
  });
  it('sets values below 1 to 1 (floor 6.43) and creatinine to 4.0 on dialysis', () => {
    expect(
      valueOf(meld, { inr: 0.9, bilirubin: 0.5, creatinine: 0.6, dialysis: false }),
    ).toBeCloseTo(6.43, 5);
    expect(valueOf(meld, { inr: 1, bilirubin: 1, creatinine: 1, dialysis: true })).toBeCloseTo(
      9.57 * Math.log(4) + 6.43,
      5,
    );
  });
});

describe('MELD-Na', () => {
  const inputs = { inr: 1.8, bilirubin: 2, creatinine: 2, dialysis: false, sodium: 131 } as const;
  // Kim 2008: MELD − Na − 0.025 × MELD × (140 − Na) + 140 with MELD = 22.2667 → 26.257.
  it('Kim 2008 equation → 26.257', () => {
    expect(valueOf(meldNa2008, inputs)).toBeCloseTo(26.257, 3);
  });
  // OPTN 2016: MELD(i) = 22; 22 + 1.32 × 6 − 0.033 × 22 × 6 = 25.564 → 26.
  it('OPTN 2016 equation → 25.56, reported 26', () => {
    const r = result(meldNa, inputs);
    expect(r.value).toBeCloseTo(25.564, 9);
    expect(r.display).toBe('26');
  });
  it('OPTN: no sodium term at MELD(i) 11 or less', () => {
    expect(
      valueOf(meldNa, { inr: 1, bilirubin: 1, creatinine: 1, dialysis: false, sodium: 125 }),
    ).toBe(6);
  });
});

describe('MELD 3.0 (Kim et al., Gastroenterology 2021)', () => {
  // Hand-evaluated from the published equation for a woman with bilirubin 3.0 mg/dL, Na 130,
  // INR 1.8, creatinine 1.5 mg/dL, albumin 2.8 g/dL: 26.869.
  it('evaluates the published equation → 26.87, reported 27', () => {
    const r = result(meld3, {
      sex: 'female',
      bilirubin: 3,
      sodium: 130,
      inr: 1.8,
      creatinine: 1.5,
      albumin: [2.8, 'g/dL'],
      dialysis: false,
    });
    expect(r.value).toBeCloseTo(26.8695, 3);
    expect(r.display).toBe('27');
  });
  it('is 6 at the bounds (normal labs, male)', () => {
    expect(
      valueOf(meld3, {
        sex: 'male',
        bilirubin: 1,
        sodium: 140,
        inr: 1,
        creatinine: 0.8,
        albumin: [4, 'g/dL'],
        dialysis: false,
      }),
    ).toBe(6);
  });
});

describe('Child-Pugh (Pugh et al., Br J Surg 1973)', () => {
  it('scores 5 (class A) to 15 (class C), with the boundary values in the middle band', () => {
    expect(
      valueOf(childPugh, {
        bilirubin: 1,
        albumin: [4, 'g/dL'],
        inr: 1,
        ascites: 'none',
        encephalopathy: 'none',
      }),
    ).toBe(5);
    const b = result(childPugh, {
      bilirubin: 3,
      albumin: [2.8, 'g/dL'],
      inr: 2.3,
      ascites: 'none',
      encephalopathy: 'none',
    });
    expect(b.value).toBe(8);
    expect(b.interpretation).toMatch(/^Class B/);
    expect(
      result(childPugh, {
        bilirubin: 3.1,
        albumin: [2.7, 'g/dL'],
        inr: 2.4,
        ascites: 'moderate-severe',
        encephalopathy: 'grade-3-4',
      }).interpretation,
    ).toMatch(/^Class C/);
  });
});

describe('UKELD (Barber et al., Transplantation 2011)', () => {
  // 5.395 ln 1.0 + 1.485 ln 54 + 3.13 ln 212 − 81.565 ln 126 + 435 = 63.22 (µmol/L inputs).
  it('INR 1.0, creatinine 54 µmol/L, bilirubin 212 µmol/L, Na 126 → 63.22', () => {
    expect(
      valueOf(ukeld, {
        inr: 1,
        creatinine: [54, 'µmol/L'],
        bilirubin: [212, 'µmol/L'],
        sodium: 126,
      }),
    ).toBeCloseTo(63.22, 2);
  });
});
