import { describe, expect, it } from 'vitest';
import { result, run, valueOf } from '../../../../test-support/calculators.js';
import { aaGradient, centor, curb65, qsofa } from './pulmonary.js';

describe('CURB-65 (Lim et al., Thorax 2003)', () => {
  // Urea > 7 mmol/L is BUN > 19.6 mg/dL; the usual BUN cut-off is 19 mg/dL.
  it('scores each criterion at its published cut-off, urea in either unit', () => {
    const base = { confusion: false, resp_rate: 29, systolic_bp: 90, diastolic_bp: 61, age: 64 };
    expect(valueOf(curb65, { ...base, bun: [19, 'mg/dL'] })).toBe(0);
    expect(valueOf(curb65, { ...base, bun: [7.5, 'mmol/L'] })).toBe(1);
    expect(
      valueOf(curb65, {
        confusion: true,
        bun: [30, 'mg/dL'],
        resp_rate: 30,
        systolic_bp: 89,
        diastolic_bp: 50,
        age: 65,
      }),
    ).toBe(5);
  });
  it('asks when the diastolic is not below the systolic', () => {
    expect(
      run(curb65, {
        confusion: false,
        bun: [10, 'mg/dL'],
        resp_rate: 18,
        systolic_bp: 80,
        diastolic_bp: 90,
        age: 50,
      }),
    ).toMatchObject({ status: 'needs-input', questions: [{ code: 'CALC_INPUT_CONTRADICTORY' }] });
  });
});

describe('qSOFA (Seymour et al., JAMA 2016)', () => {
  it('counts RR ≥ 22, SBP ≤ 100 and altered mentation', () => {
    expect(valueOf(qsofa, { resp_rate: 21, systolic_bp: 101, altered_mentation: false })).toBe(0);
    const r = result(qsofa, { resp_rate: 22, systolic_bp: 100, altered_mentation: false });
    expect(r.value).toBe(2);
    expect(r.interpretation).toMatch(/^qSOFA positive/);
  });
});

describe('Centor / McIsaac (McIsaac et al., CMAJ 1998)', () => {
  const signs = { cough_absent: true, tender_nodes: true, tonsillar_exudate: true } as const;
  it('adds 1 under 15 years, subtracts 1 from 45, and counts fever above 38 °C', () => {
    expect(valueOf(centor, { ...signs, age: 10, temperature: [38.5, '°C'] })).toBe(5);
    expect(valueOf(centor, { ...signs, age: 50, temperature: [38, 'C'] })).toBe(2);
  });
  it('converts Fahrenheit: 101 °F is 38.3 °C, a fever', () => {
    expect(valueOf(centor, { ...signs, age: 30, temperature: [101, '°F'] })).toBe(4);
  });
  it('confirms a bare temperature that only fits Fahrenheit', () => {
    expect(run(centor, { ...signs, age: 30, temperature: 101 })).toMatchObject({
      status: 'needs-input',
      questions: [{ code: 'CALC_UNIT_AMBIGUOUS', text: 'Temperature 101 — is that °F?' }],
    });
  });
});

describe('A–a gradient (alveolar gas equation)', () => {
  // Room air at sea level: PAO2 = 0.21 × (760 − 47) − 40/0.8 = 99.73; A–a = 99.73 − 90 = 9.73.
  it('room air, PaO2 90, PaCO2 40 → 9.7 mmHg, normal for 30 years', () => {
    const r = result(aaGradient, { fio2: 0.21, pao2: [90, 'mmHg'], paco2: [40, 'mmHg'], age: 30 });
    expect(r.value).toBeCloseTo(9.73, 9);
    expect(r.interpretation).toMatch(/^A–a gradient within the expected range/);
  });
  // FiO2 50 %: 0.5 × 713 − 45/0.8 − 80 = 220.25.
  it('FiO2 given as 50 % → 220 mmHg, raised', () => {
    const r = result(aaGradient, { fio2: [50, '%'], pao2: [80, 'mmHg'], paco2: [45, 'mmHg'] });
    expect(r.value).toBeCloseTo(220.25, 9);
    expect(r.interpretation).toMatch(/^Raised/);
  });
  it('infers a bare FiO2 of 40 as 40 % without asking', () => {
    expect(
      result(aaGradient, { fio2: 40, pao2: [80, 'mmHg'], paco2: [40, 'mmHg'] }).inputs[0],
    ).toMatchObject({
      value: 0.4,
      unitAssumed: true,
    });
  });
  it('asks when the PaO2 is above what the FiO2 allows', () => {
    expect(run(aaGradient, { fio2: 0.21, pao2: [150, 'mmHg'], paco2: [40, 'mmHg'] })).toMatchObject(
      {
        status: 'needs-input',
        questions: [{ code: 'CALC_INPUT_CONTRADICTORY' }],
      },
    );
  });
});
