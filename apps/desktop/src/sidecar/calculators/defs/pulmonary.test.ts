import { describe, expect, it } from 'vitest';
import { result, run, valueOf } from '../../../../test-support/calculators.js';
import { aaGradient, centor, curb65, perc, qsofa, wellsDvt, wellsPe } from './pulmonary.js';

describe("Wells' PE (Wells et al., Thromb Haemost 2000: points 3, 3, 1.5, 1.5, 1.5, 1, 1)", () => {
  const none = {
    dvt_signs: false,
    pe_likely: false,
    immobilization_surgery: false,
    previous_vte: false,
    hemoptysis: false,
    malignancy: false,
  } as const;
  it('gives 1.5 for a heart rate above 100, none at exactly 100', () => {
    expect(valueOf(wellsPe, { ...none, heart_rate: 101 })).toBe(1.5);
    expect(valueOf(wellsPe, { ...none, heart_rate: 100 })).toBe(0);
  });
  it('reaches the maximum of 12.5 and bands it high / likely', () => {
    const all = Object.fromEntries(Object.keys(none).map((k) => [k, true]));
    const r = result(wellsPe, { ...all, heart_rate: 120 });
    expect(r.value).toBe(12.5);
    expect(r.interpretation).toMatch(/^High probability.*PE likely/);
  });
  it('treats 4 as unlikely and 4.5 as likely (two-tier)', () => {
    expect(
      result(wellsPe, { ...none, heart_rate: 80, pe_likely: true, hemoptysis: true })
        .interpretation,
    ).toMatch(/PE unlikely/);
    expect(result(wellsPe, { ...none, heart_rate: 110, pe_likely: true }).interpretation).toMatch(
      /PE likely/,
    );
  });
});

describe("Wells' DVT (Wells et al., NEJM 2003; 1 point each, −2 for an alternative diagnosis)", () => {
  const none = {
    active_cancer: false,
    bedridden_surgery: false,
    calf_swelling: false,
    collateral_veins: false,
    entire_leg_swollen: false,
    localized_tenderness: false,
    pitting_edema: false,
    paralysis_cast: false,
    previous_dvt: false,
    alternative_diagnosis: false,
  } as const;
  it('scores from −2 to 9', () => {
    expect(valueOf(wellsDvt, { ...none, alternative_diagnosis: true })).toBe(-2);
    const all = Object.fromEntries(
      Object.keys(none).map((k) => [k, k !== 'alternative_diagnosis']),
    );
    expect(valueOf(wellsDvt, all)).toBe(9);
  });
  it('calls 2 or more "DVT likely"', () => {
    expect(
      result(wellsDvt, { ...none, active_cancer: true, calf_swelling: true }).interpretation,
    ).toMatch(/DVT likely/);
    expect(result(wellsDvt, { ...none, active_cancer: true }).interpretation).toMatch(
      /DVT unlikely/,
    );
  });
});

describe('PERC (Kline et al., J Thromb Haemost 2004)', () => {
  const none = {
    leg_swelling: false,
    hemoptysis: false,
    surgery_trauma: false,
    previous_vte: false,
    hormone_use: false,
  } as const;
  it('is negative only when all eight criteria are absent (age < 50, HR < 100, SaO2 ≥ 95 %)', () => {
    const r = result(perc, { ...none, age: 49, heart_rate: 99, spo2: [95, '%'] });
    expect(r.value).toBe(0);
    expect(r.interpretation).toMatch(/^PERC negative/);
    expect(valueOf(perc, { ...none, age: 50, heart_rate: 100, spo2: 94 })).toBe(3);
  });
});

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
