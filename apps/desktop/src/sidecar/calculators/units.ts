/**
 * Quantities and the unit conversions each accepts. A calculator input names one quantity; its
 * formula always sees the canonical unit (the first in `units`). Factors are the conventional
 * clinical ones, with their basis stated, so a reader can check them against a lab's SI table.
 */

export interface UnitSpec {
  /** How the unit is shown: "µmol/L". */
  readonly symbol: string;
  /** Spellings accepted after `normalizeUnit` (lower case, no spaces, µ → u). */
  readonly aliases: readonly string[];
  readonly toCanonical: (value: number) => number;
  readonly fromCanonical: (value: number) => number;
  /** Accepted when stated, never inferred for a bare number (rarely used for this quantity). */
  readonly explicitOnly?: boolean;
}

export interface Quantity {
  readonly id: string;
  /** The canonical unit first; the formula works in it. */
  readonly units: readonly [UnitSpec, ...UnitSpec[]];
  /**
   * True when a unit-less number may take the one unit it fits without asking, because the units
   * cannot be confused in practice (FiO2 0.4 vs 40 %). Otherwise only the canonical unit is
   * assumed silently, and any other fit is confirmed with a question.
   */
  readonly inferSilently?: boolean;
  /** Where the conversion factors come from. */
  readonly basis?: string;
}

/** Lower case, no spaces or dots, micro signs as "u", superscripts as digits, "per" as "/". */
export function normalizeUnit(unit: string): string {
  return unit
    .normalize('NFKC') // µ (U+00B5) → μ (U+03BC), ² → 2
    .toLowerCase()
    .replace(/μ|mc(?=[a-z])/g, 'u')
    .replace(/\bper\b/g, '/')
    .replace(/[\s.·]/g, '')
    .replace(/\^/g, '')
    .replace(/²/g, '2');
}

function linear(
  symbol: string,
  factor: number,
  aliases: readonly string[],
  explicitOnly = false,
): UnitSpec {
  return {
    symbol,
    ...(explicitOnly ? { explicitOnly } : {}),
    aliases: [normalizeUnit(symbol), ...aliases.map(normalizeUnit)],
    toCanonical: (v) => v * factor,
    fromCanonical: (v) => v / factor,
  };
}

function affine(
  symbol: string,
  scale: number,
  offset: number,
  aliases: readonly string[],
): UnitSpec {
  return {
    symbol,
    aliases: [normalizeUnit(symbol), ...aliases.map(normalizeUnit)],
    toCanonical: (v) => v * scale + offset,
    fromCanonical: (v) => (v - offset) / scale,
  };
}

const unitless = (aliases: readonly string[] = []): UnitSpec => linear('', 1, aliases);

/** Creatinine: molar mass 113.12 g/mol, so 1 mg/dL = 88.4 µmol/L (KDIGO 2012; CKD-EPI papers). */
export const CREATININE_UMOL_PER_MGDL = 88.4;
/** Bilirubin: molar mass 584.66 g/mol, 1 mg/dL = 17.1 µmol/L (conventional). */
export const BILIRUBIN_UMOL_PER_MGDL = 17.1;

export const Q = {
  age: {
    id: 'age',
    units: [
      linear('years', 1, ['y', 'yr', 'yrs', 'year', 'yearsold', 'yo', 'y/o']),
      linear('months', 1 / 12, ['mo', 'mos', 'month'], true),
    ],
  },
  length: {
    id: 'length',
    units: [
      linear('cm', 1, ['centimeter', 'centimeters', 'centimetre', 'centimetres']),
      linear('m', 100, ['meter', 'meters', 'metre', 'metres']),
      linear('mm', 0.1, ['millimeter', 'millimeters'], true),
      linear('in', 2.54, ['inch', 'inches', '"', "''"]),
      linear('ft', 30.48, ['foot', 'feet', "'"]),
    ],
    basis: '1 in = 2.54 cm exactly',
  },
  mass: {
    id: 'mass',
    units: [
      linear('kg', 1, ['kgs', 'kilo', 'kilos', 'kilogram', 'kilograms']),
      linear('g', 0.001, ['gram', 'grams'], true),
      linear('lb', 0.45359237, ['lbs', 'pound', 'pounds']),
      linear('oz', 0.028349523125, ['ounce', 'ounces'], true),
    ],
    basis: '1 lb = 0.45359237 kg exactly',
  },
  temperature: {
    id: 'temperature',
    units: [
      linear('°C', 1, ['c', 'degc', 'degreesc', 'celsius', 'degreescelsius', 'centigrade']),
      affine('°F', 5 / 9, -32 * (5 / 9), [
        'f',
        'degf',
        'degreesf',
        'fahrenheit',
        'degreesfahrenheit',
      ]),
    ],
  },
  creatinine: {
    id: 'creatinine',
    units: [
      linear('mg/dL', 1, ['mg/100ml', 'milligramsperdeciliter']),
      linear('µmol/L', 1 / CREATININE_UMOL_PER_MGDL, [
        'umol/l',
        'micromol/l',
        'micromolesperliter',
      ]),
      linear('mmol/L', 1000 / CREATININE_UMOL_PER_MGDL, [], true),
      linear('mg/L', 0.1, [], true),
    ],
    basis: 'creatinine 113.12 g/mol: 1 mg/dL = 88.4 µmol/L (KDIGO 2012, CKD-EPI)',
  },
  cystatinC: {
    id: 'cystatinC',
    units: [linear('mg/L', 1, []), linear('nmol/L', 1 / 75, [], true)],
    basis: 'cystatin C ~13.3 kDa: 1 mg/L = 75 nmol/L',
  },
  bilirubin: {
    id: 'bilirubin',
    units: [
      linear('mg/dL', 1, ['mg/100ml']),
      linear('µmol/L', 1 / BILIRUBIN_UMOL_PER_MGDL, ['umol/l', 'micromol/l']),
    ],
    basis: 'bilirubin 584.66 g/mol: 1 mg/dL = 17.1 µmol/L',
  },
  calcium: {
    id: 'calcium',
    units: [linear('mg/dL', 1, []), linear('mmol/L', 4.008, []), linear('mEq/L', 2.004, [], true)],
    basis: 'calcium 40.08 g/mol, divalent: 1 mmol/L = 4.008 mg/dL = 2 mEq/L',
  },
  albumin: {
    id: 'albumin',
    units: [linear('g/dL', 1, []), linear('g/L', 0.1, [])],
  },
  glucose: {
    id: 'glucose',
    units: [linear('mg/dL', 1, []), linear('mmol/L', 18.016, [])],
    basis: 'glucose 180.16 g/mol: 1 mmol/L = 18.016 mg/dL',
  },
  bun: {
    id: 'bun',
    units: [linear('mg/dL', 1, []), linear('mmol/L', 2.8014, ['mmol/lurea'])],
    basis: 'urea nitrogen 28.014 g/mol: urea 1 mmol/L = BUN 2.8014 mg/dL',
  },
  /** Sodium, potassium, chloride, bicarbonate: monovalent, so mmol/L = mEq/L. */
  electrolyte: {
    id: 'electrolyte',
    units: [linear('mmol/L', 1, ['meq/l', 'mequiv/l'])],
  },
  pressure: {
    id: 'pressure',
    units: [linear('mmHg', 1, ['mm hg', 'torr']), linear('kPa', 7.50062, [])],
    basis: '1 kPa = 7.50062 mmHg',
  },
  perMinute: {
    id: 'perMinute',
    units: [
      linear('/min', 1, [
        'bpm',
        'beats/min',
        'beats/minute',
        'beatsperminute',
        'breaths/min',
        'breaths/minute',
        'breathsperminute',
        'rpm',
        '/minute',
        'min-1',
      ]),
    ],
  },
  milliseconds: {
    id: 'milliseconds',
    units: [
      linear('ms', 1, ['msec', 'msecs', 'millisecond', 'milliseconds']),
      linear('s', 1000, ['sec', 'secs', 'second', 'seconds']),
    ],
  },
  fraction: {
    id: 'fraction',
    units: [unitless(['fraction']), linear('%', 0.01, ['percent', 'pct'])],
    inferSilently: true,
  },
  percent: {
    id: 'percent',
    units: [linear('%', 1, ['percent', 'pct'])],
  },
  clearance: {
    id: 'clearance',
    units: [
      linear('mL/min', 1, ['ml/min/173m2', 'ml/min/1732', 'ml/min/173', 'ml/minute']),
      linear('mL/s', 60, ['ml/sec'], true),
    ],
  },
  ratio: { id: 'ratio', units: [unitless()] },
  points: { id: 'points', units: [unitless(['points', 'pts', 'point'])] },
  drinksPerWeek: {
    id: 'drinksPerWeek',
    units: [unitless(['drinks', 'drinks/week', 'drinks/wk', 'units/week', 'units'])],
  },
  minutes: {
    id: 'minutes',
    units: [
      linear('min', 1, ['mins', 'minute', 'minutes']),
      linear('h', 60, ['hr', 'hrs', 'hour', 'hours']),
    ],
  },
} as const satisfies Record<string, Quantity>;

export type UnitResolution =
  | {
      readonly kind: 'ok';
      readonly value: number;
      readonly unit: string;
      readonly assumed: boolean;
    }
  | { readonly kind: 'unknown-unit'; readonly accepted: readonly string[] }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly string[] }
  | {
      readonly kind: 'out-of-range';
      readonly value: number;
      readonly unit: string;
      /** The plausible range in the unit the value was given in. */
      readonly range: readonly [number, number];
    };

export function findUnit(quantity: Quantity, unit: string): UnitSpec | undefined {
  const n = normalizeUnit(unit);
  return quantity.units.find((u) => u.aliases.includes(n));
}

/**
 * Converts a value to the quantity's canonical unit and checks it against the plausible range.
 * Without a unit, the units under which the number is plausible decide: only the canonical one →
 * taken; exactly one other (or several) → the caller must ask, unless the quantity infers silently.
 */
export function resolveUnit(
  quantity: Quantity,
  value: number,
  unit: string | undefined,
  range: readonly [number, number],
): UnitResolution {
  const inRange = (v: number): boolean => v >= range[0] && v <= range[1];
  const canonical = quantity.units[0];
  if (unit !== undefined && normalizeUnit(unit) !== '') {
    const spec = findUnit(quantity, unit);
    if (!spec)
      return {
        kind: 'unknown-unit',
        accepted: quantity.units.map((u) => u.symbol).filter(Boolean),
      };
    const v = spec.toCanonical(value);
    return inRange(v)
      ? { kind: 'ok', value: v, unit: spec.symbol, assumed: false }
      : {
          kind: 'out-of-range',
          value,
          unit: spec.symbol,
          range: [spec.fromCanonical(range[0]), spec.fromCanonical(range[1])],
        };
  }
  if (quantity.units.length === 1)
    return inRange(value)
      ? { kind: 'ok', value, unit: canonical.symbol, assumed: canonical.symbol !== '' }
      : { kind: 'out-of-range', value, unit: canonical.symbol, range };
  const fits = quantity.units.filter(
    (u) => u.explicitOnly !== true && inRange(u.toCanonical(value)),
  );
  const only = fits.length === 1 ? fits[0] : undefined;
  if (only && (only === canonical || quantity.inferSilently === true))
    return { kind: 'ok', value: only.toCanonical(value), unit: only.symbol, assumed: true };
  if (fits.length === 0) return { kind: 'out-of-range', value, unit: canonical.symbol, range };
  return { kind: 'ambiguous', candidates: fits.map((u) => u.symbol) };
}
