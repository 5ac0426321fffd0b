import { describe, expect, it } from 'vitest';
import { result, valueOf } from '../../../../test-support/calculators.js';
import { perc, wellsDvt, wellsPe } from './vte.js';

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
