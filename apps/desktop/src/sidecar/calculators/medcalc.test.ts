import { describe, expect, it } from 'vitest';
import { evaluate } from './engine.js';
import { fromMedcalc } from './medcalc.js';
import { getCalculator } from './registry.js';

function value(calculator: string, entities: Record<string, unknown>): number | undefined {
  const r = fromMedcalc(calculator, entities);
  const e = evaluate(getCalculator(r.calculatorId)!, r.inputs);
  return e.status === 'ok' ? e.result.value : undefined;
}

// Entities shaped as MedCalc-Bench writes them (names from its calculator_implementations table);
// the patients are made up here.
describe('MedCalc-Bench adapter', () => {
  it('uses the BMI-guided weight its Cockcroft-Gault question asks for', () => {
    // 55-year-old man, 109 kg, 188 cm (BMI 30.8): adjusted weight 82.24 + 0.4 × 26.76 = 92.94 kg;
    // (140 − 55) × 92.94 / (72 × 1.5) = 73.15.
    const v = value('Creatinine Clearance (Cockcroft-Gault Equation)', {
      sex: 'Male',
      age: [55, 'years'],
      weight: [109, 'kg'],
      height: [188, 'cm'],
      creatinine: [1.5, 'mg/dL'],
    });
    expect(v).toBeCloseTo(73.149, 2);
  });

  it('counts alcohol at 8 or more drinks a week for HAS-BLED, and unmentioned criteria as absent', () => {
    const base = { age: [70, 'years'], 'Hypertension history': true };
    expect(
      value('HAS-BLED Score for Major Bleeding Risk', {
        ...base,
        'Number of Alcoholic Drinks Per Week': 7,
      }),
    ).toBe(2);
    expect(
      value('HAS-BLED Score for Major Bleeding Risk', {
        ...base,
        'Number of Alcoholic Drinks Per Week': 8,
      }),
    ).toBe(3);
  });

  it('joins entities that feed one criterion (stroke, TIA, thromboembolism; bedridden or surgery)', () => {
    expect(
      value('CHA2DS2-VASc Score for Atrial Fibrillation Stroke Risk', {
        sex: 'Female',
        age: [50, 'years'],
        Stroke: false,
        'Transient Ischemic Attacks History': true,
      }),
    ).toBe(3);
    expect(
      value("Wells' Criteria for DVT", {
        'Bedridden recently >3 days': false,
        'Major surgery within 12 weeks': true,
      }),
    ).toBe(1);
  });

  it('refuses a calculator it does not have and an entity it cannot place', () => {
    expect(() => fromMedcalc('APACHE II Score', {})).toThrow(/No calculator here answers/);
    expect(() =>
      fromMedcalc('Body Mass Index (BMI)', { weight: [70, 'kg'], waist: [90, 'cm'] }),
    ).toThrow(/MedCalc entity "waist" has no input in bmi/);
  });
});
