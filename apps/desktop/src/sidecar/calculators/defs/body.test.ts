import { describe, expect, it } from 'vitest';
import { result, run, valueOf } from '../../../../test-support/calculators.js';
import { roundTo } from '../engine.js';
import {
  adjustedBodyWeight,
  bmi,
  bsaBoyd,
  bsaDuBois,
  bsaFujimoto,
  bsaGehanGeorge,
  bsaHaycock,
  bsaMosteller,
  idealBodyWeight,
} from './body.js';

describe('BMI (WHO TRS 894, 2000)', () => {
  // CDC "About Adult BMI" worked example: 150 lb, 5 ft 5 in (65 in) → 24.96.
  it('reproduces the CDC worked example in pounds and inches', () => {
    expect(roundTo(valueOf(bmi, { weight: [150, 'lb'], height: [65, 'in'] }), 2)).toBe(24.96);
  });
  // CDC Adult BMI Calculator value asserted in admiral test-derive_param_bmi.R (Apache-2.0).
  it('180 cm, 75 kg → 23.148', () => {
    expect(roundTo(valueOf(bmi, { weight: [75, 'kg'], height: [180, 'cm'] }), 3)).toBe(23.148);
  });
  it('bands by the WHO classification', () => {
    expect(result(bmi, { weight: [100, 'kg'], height: [2, 'm'] }).interpretation).toMatch(
      /^Overweight/,
    );
    expect(result(bmi, { weight: [45, 'kg'], height: [170, 'cm'] }).interpretation).toMatch(
      /^Underweight/,
    );
  });
  it('asks which unit a bare weight is in when kg and lb both fit', () => {
    expect(run(bmi, { weight: 70, height: [170, 'cm'] })).toMatchObject({
      status: 'needs-input',
      questions: [{ code: 'CALC_UNIT_AMBIGUOUS', input: 'weight', options: ['kg', 'lb'] }],
    });
  });
});

describe('body surface area', () => {
  // Expected values: each published formula evaluated at 170 cm / 75 kg and 185 cm / 90 kg, as
  // asserted (3 decimals) in admiral test-derive_param_bsa.R (Apache-2.0).
  const cases = [
    [bsaMosteller, 1.882, 2.151],
    [bsaDuBois, 1.864, 2.141],
    [bsaHaycock, 1.895, 2.161],
    [bsaGehanGeorge, 1.897, 2.16],
    [bsaBoyd, 1.905, 2.158],
    [bsaFujimoto, 1.819, 2.086],
  ] as const;
  for (const [def, a, b] of cases)
    it(`${def.name}: ${a} and ${b} m²`, () => {
      expect(roundTo(valueOf(def, { height: [170, 'cm'], weight: [75, 'kg'] }), 3)).toBe(a);
      expect(roundTo(valueOf(def, { height: [185, 'cm'], weight: [90, 'kg'] }), 3)).toBe(b);
    });
  // Mosteller's formula √(height × weight / 3600) at 158 cm, 62 kg = √2.7211 = 1.6496.
  it('Mosteller: 158 cm, 62 kg → 1.65 m²', () => {
    expect(result(bsaMosteller, { height: [158, 'cm'], weight: [62, 'kg'] }).display).toBe('1.65');
  });
});

describe('ideal and adjusted body weight (Devine 1974; Traynor 1995)', () => {
  // Devine: 50 kg + 2.3 kg per inch over 60 in; 6 ft (72 in) man → 50 + 27.6 = 77.6 kg.
  it('6 ft man → 77.6 kg; 5 ft 5 in woman → 57.0 kg', () => {
    expect(valueOf(idealBodyWeight, { sex: 'male', height: [72, 'in'] })).toBeCloseTo(77.6, 9);
    expect(valueOf(idealBodyWeight, { sex: 'female', height: [65, 'in'] })).toBeCloseTo(57, 9);
  });
  // 6 ft man, 120 kg: 77.6 + 0.4 × (120 − 77.6) = 94.56 kg.
  it('adjusted weight for a 6 ft, 120 kg man → 94.56 kg', () => {
    const r = result(adjustedBodyWeight, { sex: 'male', height: [6, 'ft'], weight: [120, 'kg'] });
    expect(r.value).toBeCloseTo(94.56, 9);
    expect(r.details).toEqual({ ideal_body_weight_kg: 77.6 });
  });
});
