import { describe, expect, it } from 'vitest';
import { result, valueOf } from '../../../../test-support/calculators.js';
import { grace, heartScore } from './acs.js';

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
