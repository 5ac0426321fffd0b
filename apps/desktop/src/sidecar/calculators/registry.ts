import { BODY } from './defs/body.js';
import { ACS } from './defs/acs.js';
import { AF } from './defs/af.js';
import { ELECTROLYTES } from './defs/electrolytes.js';
import { LIVER } from './defs/liver.js';
import { NEURO } from './defs/neuro.js';
import { PULMONARY } from './defs/pulmonary.js';
import { QTC } from './defs/qtc.js';
import { RENAL_DOSING_CALCULATORS } from './defs/renal-dosing.js';
import { RENAL } from './defs/renal.js';
import { VTE } from './defs/vte.js';
import type { CalculatorDef } from './types.js';

/** Every calculator, in the order the list shows them. */
export const CALCULATORS: readonly CalculatorDef[] = [
  ...RENAL,
  ...RENAL_DOSING_CALCULATORS,
  ...BODY,
  ...AF,
  ...ACS,
  ...QTC,
  ...VTE,
  ...PULMONARY,
  ...ELECTROLYTES,
  ...LIVER,
  ...NEURO,
];

const BY_ID = new Map(CALCULATORS.map((c) => [c.id, c]));

export function getCalculator(id: string): CalculatorDef | undefined {
  return BY_ID.get(id);
}

/** The shape `voiceassist calc list --json` prints: inputs with canonical unit and range. */
export interface CalculatorSummary {
  readonly id: string;
  readonly name: string;
  readonly category: string;
  readonly inputs: readonly {
    readonly name: string;
    readonly label: string;
    readonly kind: 'number' | 'boolean' | 'choice';
    readonly unit: string | null;
    readonly units?: readonly string[];
    readonly range: readonly [number, number] | null;
    readonly options?: readonly string[];
    readonly optional?: boolean;
    readonly default?: number | boolean | string;
  }[];
  readonly output: { readonly unit: string; readonly decimals: number };
  readonly source: string;
  readonly year: number;
}

export function summarize(def: CalculatorDef): CalculatorSummary {
  return {
    id: def.id,
    name: def.name,
    category: def.category,
    inputs: def.inputs.map((i) => ({
      name: i.name,
      label: i.label,
      kind: i.kind,
      unit: i.kind === 'number' ? i.quantity.units[0].symbol : null,
      ...(i.kind === 'number' && i.quantity.units.length > 1
        ? { units: i.quantity.units.map((u) => u.symbol) }
        : {}),
      range: i.kind === 'number' ? i.range : null,
      ...(i.kind === 'choice' ? { options: i.options.map((o) => o.value) } : {}),
      ...(i.optional === true ? { optional: true } : {}),
      ...(i.default === undefined ? {} : { default: i.default }),
    })),
    output: { unit: def.output.unit, decimals: def.output.decimals },
    source:
      def.source.doi === undefined
        ? def.source.citation
        : `${def.source.citation} doi:${def.source.doi}`,
    year: def.source.year,
  };
}
