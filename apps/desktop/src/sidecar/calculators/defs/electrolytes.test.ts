import { describe, expect, it } from 'vitest';
import { result, run, valueOf } from '../../../../test-support/calculators.js';
import {
  anionGap,
  anionGapAlbumin,
  correctedCalcium,
  correctedSodium,
  freeWaterDeficit,
} from './electrolytes.js';

describe('corrected calcium (Payne et al., BMJ 1973)', () => {
  // Ca + 0.8 × (4.0 − albumin): 8.6 + 0.8 × 0.9 = 9.32 mg/dL.
  it('8.6 mg/dL with albumin 3.1 g/dL → 9.32 mg/dL', () => {
    expect(
      valueOf(correctedCalcium, { calcium: [8.6, 'mg/dL'], albumin: [3.1, 'g/dL'] }),
    ).toBeCloseTo(9.32, 9);
  });
  it('takes SI units: 2.0 mmol/L calcium, albumin 25 g/L → 9.216 mg/dL', () => {
    // 2.0 mmol/L × 4.008 = 8.016 mg/dL; + 0.8 × (4.0 − 2.5) = 9.216.
    const r = result(correctedCalcium, { calcium: [2, 'mmol/L'], albumin: [25, 'g/L'] });
    expect(r.value).toBeCloseTo(9.216, 9);
    expect(r.inputs.find((i) => i.name === 'normal_albumin')?.provenance).toBe('default');
  });
});

describe('corrected sodium (Hillier et al., Am J Med 1999; Katz, NEJM 1973)', () => {
  // 125 + 2.4 × (600 − 100)/100 = 137; Katz: 125 + 1.6 × 5 = 133.
  it('Na 125 with glucose 600 mg/dL → 137 (Hillier) or 133 (Katz)', () => {
    expect(valueOf(correctedSodium, { sodium: 125, glucose: [600, 'mg/dL'] })).toBeCloseTo(137, 9);
    expect(
      valueOf(correctedSodium, { sodium: 125, glucose: [600, 'mg/dL'], coefficient: 'katz' }),
    ).toBeCloseTo(133, 9);
  });
  it('takes glucose in mmol/L (33.3 mmol/L ≈ 600 mg/dL)', () => {
    expect(valueOf(correctedSodium, { sodium: 125, glucose: [33.3, 'mmol/L'] })).toBeCloseTo(
      136.998,
      2,
    );
  });
});

describe('anion gap (Kraut & Madias 2007; albumin correction Figge et al. 1998)', () => {
  it('Na − (Cl + HCO3): 140 − (100 + 24) = 16, high', () => {
    const r = result(anionGap, { sodium: 140, chloride: 100, bicarbonate: 24 });
    expect(r.value).toBe(16);
    expect(r.interpretation).toMatch(/^High anion gap/);
  });
  // 140 − 104 − 24 = 12; + 2.5 × (4.0 − 2.0) = 17.
  it('adds 2.5 per g/dL of albumin below 4: AG 12 with albumin 2.0 → 17', () => {
    expect(
      valueOf(anionGapAlbumin, {
        sodium: 140,
        chloride: 104,
        bicarbonate: 24,
        albumin: [2, 'g/dL'],
      }),
    ).toBe(17);
  });
});

describe('free water deficit (Adrogué & Madias, NEJM 2000)', () => {
  // 0.6 × 70 × (160/140 − 1) = 6.0 L for a 40-year-old man.
  it('40-year-old man, 70 kg, Na 160 → 6.0 L', () => {
    expect(
      valueOf(freeWaterDeficit, { age: 40, sex: 'male', weight: [70, 'kg'], sodium: 160 }),
    ).toBeCloseTo(6, 9);
  });
  // 0.45 × 50 × (150/140 − 1) = 1.607 L for a woman of 80.
  it('80-year-old woman, 50 kg, Na 150 → 1.6 L (TBW fraction 0.45)', () => {
    const r = result(freeWaterDeficit, { age: 80, sex: 'female', weight: [50, 'kg'], sodium: 150 });
    expect(r.value).toBeCloseTo(1.607143, 5);
    expect(r.details).toEqual({ total_body_water_L: 22.5 });
  });
  it('refuses to give a deficit when the sodium is not above target', () => {
    expect(
      run(freeWaterDeficit, { age: 40, sex: 'male', weight: [70, 'kg'], sodium: 138 }),
    ).toMatchObject({
      status: 'error',
      error: { code: 'CALC_NOT_APPLICABLE' },
    });
  });
});
