import {
  evaluate,
  type CalcResult,
  type Evaluation,
  type RawInputs,
} from '../src/sidecar/calculators/engine.js';
import type { CalculatorDef } from '../src/sidecar/calculators/types.js';

export type TypedValue = number | boolean | string | readonly [number, string];

/** Inputs as a clinician types them: numbers with units as [value, unit], options, yes/no. */
export function typed(values: Readonly<Record<string, TypedValue>>): RawInputs {
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [
      k,
      Array.isArray(v)
        ? {
            value: (v as readonly [number, string])[0],
            unit: (v as readonly [number, string])[1],
            provenance: 'typed' as const,
          }
        : { value: v as number | boolean | string, provenance: 'typed' as const },
    ]),
  );
}

export function run(def: CalculatorDef, values: Readonly<Record<string, TypedValue>>): Evaluation {
  return evaluate(def, typed(values));
}

/** The result, or a thrown error naming what came back instead (so a test failure says why). */
export function result(
  def: CalculatorDef,
  values: Readonly<Record<string, TypedValue>>,
): CalcResult {
  const e = run(def, values);
  if (e.status !== 'ok')
    throw new Error(`expected a result from ${def.id}, got ${JSON.stringify(e)}`);
  return e.result;
}

export function valueOf(def: CalculatorDef, values: Readonly<Record<string, TypedValue>>): number {
  return result(def, values).value;
}
