import type { Quantity } from './units.js';

/** Where an input value came from; shown beside the value in the result. */
export type Provenance = 'typed' | 'spoken' | 'conversation' | 'llm' | 'default';

export interface Source {
  /** Authors, title, journal/guideline, volume and pages: enough to find it. */
  readonly citation: string;
  readonly year: number;
  readonly doi?: string;
}

interface InputBase<N extends string> {
  readonly name: N;
  /** Shown in forms and read out: "Serum creatinine". */
  readonly label: string;
  /** Asked when the input is missing: "What is the serum creatinine?" */
  readonly question: string;
  /**
   * Words a clinician may say for it ("cr", "pulse"). For yes/no inputs, "!cough" means hearing
   * the words makes it false, "~stroke risk" means words that look like it but are not.
   */
  readonly spoken?: readonly string[];
  /** An optional input may stay unset; the formula receives undefined. */
  readonly optional?: boolean;
}

export interface NumberInput<N extends string = string> extends InputBase<N> {
  readonly kind: 'number';
  /** The quantity fixes the canonical unit and the accepted conversions. */
  readonly quantity: Quantity;
  /** Plausible range in the canonical unit; outside it is an error, never a number. */
  readonly range: readonly [number, number];
  readonly integer?: boolean;
  readonly default?: number;
}

export interface BooleanInput<N extends string = string> extends InputBase<N> {
  readonly kind: 'boolean';
  readonly default?: boolean;
}

export interface ChoiceOption<V extends string = string> {
  readonly value: V;
  readonly label: string;
  readonly spoken?: readonly string[];
}

export interface ChoiceInput<
  N extends string = string,
  V extends string = string,
> extends InputBase<N> {
  readonly kind: 'choice';
  readonly options: readonly ChoiceOption<V>[];
  readonly default?: V;
}

export type InputDef = NumberInput | BooleanInput | ChoiceInput;

type ValueOfInput<D> = D extends NumberInput
  ? number
  : D extends BooleanInput
    ? boolean
    : D extends ChoiceInput<string, infer V>
      ? V
      : never;

type MaybeOptional<D, T> = D extends { readonly optional: true } ? T | undefined : T;

/** The formula's view of its inputs: canonical units, typed by the definition. */
export type ValuesOf<I extends readonly InputDef[]> = {
  readonly [D in I[number] as D['name']]: MaybeOptional<D, ValueOfInput<D>>;
};

export interface Band {
  /** The band holds values strictly below this (the last band has none). */
  readonly below?: number;
  readonly text: string;
}

/** A problem the inputs have together, found before the formula runs. */
export interface Conflict {
  readonly inputs: readonly string[];
  readonly message: string;
}

export interface CalculatorDef<I extends readonly InputDef[] = readonly InputDef[]> {
  /** Stable id used by the CLI and the store ("egfr-ckd-epi-2021"). */
  readonly id: string;
  readonly name: string;
  /** Other names a clinician says or types ("ckd epi", "egfr"); matched after normalisation. */
  readonly synonyms: readonly string[];
  readonly category: string;
  readonly inputs: I;
  readonly output: {
    readonly label: string;
    readonly unit: string;
    /** Decimals the result is reported (and banded) at. */
    readonly decimals: number;
  };
  /** The formula. Runs only on validated, canonical values; throws CalcError when not applicable. */
  compute(values: ValuesOf<I>): number;
  /** Optional inputs that become required given the others (e.g. height for ideal weight). */
  requires?(values: Partial<ValuesOf<I>>): readonly string[];
  /** Combinations that cannot all be true. */
  conflicts?(values: ValuesOf<I>): Conflict | undefined;
  /** Interpretation bands on the reported value, ascending. */
  readonly bands?: readonly Band[];
  /** When the interpretation depends on more than the value. */
  interpret?(value: number, values: ValuesOf<I>): string;
  /** Intermediate values worth showing (weight used, MELD before sodium…). */
  details?(values: ValuesOf<I>): Readonly<Record<string, number | string>>;
  readonly source: Source;
  /** The source of this particular result, when it depends on the inputs (a drug's own label). */
  sourceFor?(values: ValuesOf<I>): Source;
  /** Further sources (conversion factors, interpretation bands from a guideline). */
  readonly seeAlso?: readonly Source[];
  readonly notes?: string;
}

/**
 * Keeps the input names and option values literal so `compute` is typed by its own inputs.
 * Returns the erased type the registry stores.
 */
export function defineCalculator<const I extends readonly InputDef[]>(
  def: CalculatorDef<I>,
): CalculatorDef {
  return def;
}
