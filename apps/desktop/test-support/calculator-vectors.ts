import {
  evaluate,
  roundTo,
  type RawInput,
  type RawInputs,
} from '../src/sidecar/calculators/engine.js';
import { getCalculator } from '../src/sidecar/calculators/registry.js';
import { CREATININE_UMOL_PER_MGDL } from '../src/sidecar/calculators/units.js';

/**
 * Runs the package unit-test vectors (../shared/data/calculators/package_unit_test_vectors.json,
 * and the committed admiral subset) through the calculators. Shared by the unit test and
 * bench/calculators so both read the vectors the same way.
 */

export interface PackageVector {
  readonly calculator: string;
  readonly inputs: Readonly<Record<string, string | number>>;
  readonly expected: number;
  readonly rounding?: string;
  readonly source: string;
  readonly test: string;
}

/** Which calculator each vector names, and why where the label alone would mislead. */
const CALCULATOR_OF: Readonly<Record<string, string>> = {
  'CKD-EPI 2021 creatinine (race-free)': 'egfr-ckd-epi-2021',
  'CKD-EPI 2009 creatinine (with race term)': 'egfr-ckd-epi-2009',
  'Cockcroft-Gault CrCl (actual body weight)': 'crcl-cockcroft-gault',
  'Cockcroft-Gault CrCl': 'crcl-cockcroft-gault',
  'MDRD (4-variable, IDMS 175)': 'egfr-mdrd',
  // transplantr's mdrd() uses the original 186 coefficient (Levey 2000); its expected 60.3 is that.
  MDRD: 'egfr-mdrd-186',
  BMI: 'bmi',
  'BSA (Mosteller)': 'bsa-mosteller',
  'BSA (DuBois-DuBois)': 'bsa-dubois',
  'BSA (Haycock)': 'bsa-haycock',
  'BSA (Gehan-George)': 'bsa-gehan-george',
  'BSA (Boyd)': 'bsa-boyd',
  'BSA (Fujimoto)': 'bsa-fujimoto',
  'QTc Bazett': 'qtc-bazett',
  'QTc Fridericia': 'qtc-fridericia',
  'MELD (UNOS, SI units)': 'meld',
  // transplantr's meld_na() is Kim et al. 2008 (MELD − Na − 0.025·MELD·(140 − Na) + 140), not the
  // OPTN 2016 refit its label suggests: 26.257 is that equation on the unrounded MELD.
  'MELD-Na (UNOS)': 'meld-na-2008',
  UKELD: 'ukeld',
};

export interface VectorOutcome {
  readonly vector: PackageVector;
  readonly calculatorId: string | undefined;
  readonly value: number | undefined;
  readonly decimals: number;
  readonly exact: boolean;
  readonly error?: string;
}

/** Decimals of "round(n)"; vectors without rounding were written to 4 decimals. */
export function decimalsOf(v: PackageVector): number {
  const m = /^round\((\d+)\)$/.exec(v.rounding ?? '');
  return m ? Number(m[1]) : 4;
}

const num = (v: string | number | undefined): number => Number(v);

/**
 * Builds our inputs from a vector. `creatinineFactor`, when given, converts a µmol/L creatinine
 * to mg/dL with the vector's own package factor instead of ours, to separate the equation from
 * the unit convention.
 */
export function inputsOf(v: PackageVector, creatinineFactor?: number): RawInputs {
  const i = v.inputs;
  const out: Record<string, RawInput> = {};
  const put = (name: string, value: number | boolean | string, unit?: string): void => {
    out[name] = { value, ...(unit === undefined ? {} : { unit }), provenance: 'typed' };
  };
  const sex = i.sex === 'F' ? 'female' : i.sex === 'M' ? 'male' : undefined;
  if (sex) put('sex', sex);
  if (i.age !== undefined) put('age', num(i.age), 'years');
  if (i.creatinine !== undefined) {
    const unit = String(i.creatinine_unit);
    if (creatinineFactor !== undefined && unit === 'umol/L')
      put('creatinine', num(i.creatinine) / creatinineFactor, 'mg/dL');
    else put('creatinine', num(i.creatinine), unit);
  }
  if (i.creatinine_umol_l !== undefined) put('creatinine', num(i.creatinine_umol_l), 'µmol/L');
  if (i.weight_kg !== undefined) put('weight', num(i.weight_kg), 'kg');
  if (i.height_cm !== undefined) put('height', num(i.height_cm), 'cm');
  if (i.race !== undefined) put('black', String(i.race).toUpperCase().includes('BLACK'));
  if (i.ethnicity !== undefined) put('black', String(i.ethnicity).toLowerCase() === 'black');
  if (i.qt_ms !== undefined) put('qt', num(i.qt_ms), 'ms');
  if (i.rr_ms !== undefined) put('rr_interval', num(i.rr_ms), 'ms');
  if (i.INR !== undefined) put('inr', num(i.INR));
  if (i.bilirubin !== undefined) put('bilirubin', num(i.bilirubin), String(i.bilirubin_unit));
  if (i.bilirubin_umol_l !== undefined) put('bilirubin', num(i.bilirubin_umol_l), 'µmol/L');
  if (i.sodium !== undefined) put('sodium', num(i.sodium), 'mmol/L');
  if (i.dialysis !== undefined) put('dialysis', num(i.dialysis) === 1);
  return out;
}

/** The creatinine factor a vector's package uses (admiral 88.42; transplantr 88.4, as ours). */
export function packageCreatinineFactor(v: PackageVector): number {
  return v.source.startsWith('pharmaverse/admiral') ? 88.42 : CREATININE_UMOL_PER_MGDL;
}

export function runVector(v: PackageVector, creatinineFactor?: number): VectorOutcome {
  const calculatorId = CALCULATOR_OF[v.calculator];
  const decimals = decimalsOf(v);
  const def = calculatorId === undefined ? undefined : getCalculator(calculatorId);
  if (!def)
    return {
      vector: v,
      calculatorId,
      value: undefined,
      decimals,
      exact: false,
      error: 'no calculator',
    };
  const e = evaluate(def, inputsOf(v, creatinineFactor));
  if (e.status !== 'ok')
    return {
      vector: v,
      calculatorId,
      value: undefined,
      decimals,
      exact: false,
      error: e.status === 'error' ? e.error.code : e.prompt,
    };
  const value = e.result.value;
  return {
    vector: v,
    calculatorId,
    value,
    decimals,
    exact: roundTo(value, decimals) === v.expected,
  };
}
