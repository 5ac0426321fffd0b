import { describe, expect, it } from 'vitest';
import { result, run, valueOf } from '../../../../test-support/calculators.js';
import { abcd2, apgar, gcs, nihss } from './neuro.js';

describe('Glasgow Coma Scale (Teasdale & Jennett, Lancet 1974)', () => {
  it('sums E + V + M from 3 to 15 and bands severe at 8 or less', () => {
    expect(valueOf(gcs, { eye: 4, verbal: 5, motor: 6 })).toBe(15);
    const r = result(gcs, { eye: 2, verbal: 2, motor: 4 });
    expect(r.value).toBe(8);
    expect(r.interpretation).toMatch(/^Severe/);
  });
  it('rejects a component outside its scale and a fraction', () => {
    expect(run(gcs, { eye: 5, verbal: 5, motor: 6 })).toMatchObject({
      status: 'error',
      error: { code: 'CALC_INPUT_OUT_OF_RANGE', input: 'eye' },
    });
    expect(run(gcs, { eye: 3.5, verbal: 5, motor: 6 })).toMatchObject({
      status: 'error',
      error: { code: 'CALC_INPUT_INVALID', input: 'eye' },
    });
  });
});

describe('APGAR (Apgar 1953; bands AAP/ACOG 2015)', () => {
  it('sums five 0–2 signs', () => {
    expect(
      valueOf(apgar, { appearance: 1, pulse: 2, grimace: 2, activity: 2, respiration: 2 }),
    ).toBe(9);
    expect(
      result(apgar, { appearance: 0, pulse: 1, grimace: 1, activity: 1, respiration: 0 })
        .interpretation,
    ).toMatch(/^Low/);
  });
});

describe('ABCD² (Johnston et al., Lancet 2007)', () => {
  it('scores age ≥ 60, BP ≥ 140/90, weakness 2 / speech 1, duration ≥ 60 min 2 / 10–59 1, diabetes', () => {
    const r = result(abcd2, {
      age: 72,
      systolic_bp: [150, 'mmHg'],
      diastolic_bp: [85, 'mmHg'],
      clinical: 'weakness',
      duration: [1.5, 'h'],
      diabetes: true,
    });
    expect(r.value).toBe(7);
    expect(r.interpretation).toMatch(/^High risk/);
    expect(
      valueOf(abcd2, {
        age: 59,
        systolic_bp: [139, 'mmHg'],
        diastolic_bp: [89, 'mmHg'],
        clinical: 'speech',
        duration: [9, 'min'],
        diabetes: false,
      }),
    ).toBe(1);
  });
});

describe('NIH Stroke Scale (Brott et al., Stroke 1989)', () => {
  const zero = {
    loc: 0,
    loc_questions: 0,
    loc_commands: 0,
    gaze: 0,
    visual: 0,
    facial_palsy: 0,
    motor_arm_left: 0,
    motor_arm_right: 0,
    motor_leg_left: 0,
    motor_leg_right: 0,
    ataxia: 0,
    sensory: 0,
    language: 0,
    dysarthria: 0,
    extinction: 0,
  };
  it('ranges 0–42 over its 15 items', () => {
    expect(valueOf(nihss, zero)).toBe(0);
    const max = {
      loc: 3,
      loc_questions: 2,
      loc_commands: 2,
      gaze: 2,
      visual: 3,
      facial_palsy: 3,
      motor_arm_left: 4,
      motor_arm_right: 4,
      motor_leg_left: 4,
      motor_leg_right: 4,
      ataxia: 2,
      sensory: 2,
      language: 3,
      dysarthria: 2,
      extinction: 2,
    };
    expect(valueOf(nihss, max)).toBe(42);
    expect(
      result(nihss, { ...zero, motor_arm_left: 4, facial_palsy: 2, language: 2 }).interpretation,
    ).toMatch(/^Moderate stroke/);
  });
});
