import { CALC_ERRORS, CalcError, type CalcErrorCode } from './errors.js';
import type { CalculatorDef, InputDef, Provenance, Source } from './types.js';
import { resolveUnit } from './units.js';

/** One input as given: a number with or without unit, a yes/no, or an option. */
export interface RawInput {
  readonly value: number | boolean | string;
  readonly unit?: string;
  readonly provenance: Provenance;
}

export type RawInputs = Readonly<Record<string, RawInput>>;

/** What the person is asked next. `code` says why; `options` are short answers to offer. */
export interface Question {
  readonly code: Extract<
    CalcErrorCode,
    'CALC_INPUT_MISSING' | 'CALC_UNIT_AMBIGUOUS' | 'CALC_INPUT_CONTRADICTORY'
  >;
  readonly input: string;
  readonly text: string;
  readonly options?: readonly string[];
}

export interface ResolvedInput {
  readonly name: string;
  readonly label: string;
  /** Canonical value the formula used. */
  readonly value: number | boolean | string;
  /** Canonical unit ('' for unit-less, yes/no and options). */
  readonly unit: string;
  /** As given, when a conversion happened or the unit was inferred. */
  readonly given?: { readonly value: number; readonly unit: string };
  readonly unitAssumed: boolean;
  readonly provenance: Provenance;
}

export interface CalcResult {
  readonly calculatorId: string;
  readonly name: string;
  /** Full precision (to 6 decimals); `display` is the reported value. */
  readonly value: number;
  readonly display: string;
  readonly unit: string;
  readonly interpretation: string;
  readonly source: Source;
  readonly sourceText: string;
  readonly inputs: readonly ResolvedInput[];
  readonly details: Readonly<Record<string, number | string>>;
}

export type Evaluation =
  | { readonly status: 'ok'; readonly result: CalcResult }
  | {
      readonly status: 'needs-input';
      readonly questions: readonly Question[];
      readonly prompt: string;
    }
  | {
      readonly status: 'error';
      readonly error: {
        readonly code: CalcErrorCode;
        readonly message: string;
        readonly input?: string;
      };
    };

export function formatSource(s: Source): string {
  return s.doi === undefined ? s.citation : `${s.citation} doi:${s.doi}`;
}

export function roundTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  // Round half away from zero on the decimal representation, not on the binary float.
  return (Math.sign(value) * Math.round(Number((Math.abs(value) * f).toPrecision(15)))) / f;
}

function describeNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(roundTo(value, 4));
}

function errorOf(code: CalcErrorCode, message: string, input?: string): Evaluation {
  return {
    status: 'error',
    error: input === undefined ? { code, message } : { code, message, input },
  };
}

type Resolution =
  { readonly ok: ResolvedInput } | { readonly question: Question } | { readonly error: CalcError };

function resolveOne(def: InputDef, raw: RawInput): Resolution {
  const { value, provenance } = raw;
  switch (def.kind) {
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value))
        return {
          error: new CalcError('CALC_INPUT_INVALID', `${def.label} must be a number.`, def.name),
        };
      const r = resolveUnit(def.quantity, value, raw.unit, def.range);
      const canonical = def.quantity.units[0].symbol;
      switch (r.kind) {
        case 'unknown-unit':
          return {
            error: new CalcError(
              'CALC_UNIT_UNKNOWN',
              `${def.label} cannot be given in "${String(raw.unit)}": use ${r.accepted.join(' or ')}.`,
              def.name,
            ),
          };
        case 'out-of-range': {
          const shown = (v: number): string => String(Number(v.toPrecision(3)));
          const unit = r.unit ? ` ${r.unit}` : '';
          return {
            error: new CalcError(
              'CALC_INPUT_OUT_OF_RANGE',
              `${def.label} ${describeNumber(value)}${unit} is outside the plausible range (${shown(r.range[0])}–${shown(r.range[1])}${unit}): check the value and its unit.`,
              def.name,
            ),
          };
        }
        case 'ambiguous': {
          const [first] = r.candidates;
          const text =
            r.candidates.length === 1 && first !== undefined
              ? `${def.label} ${describeNumber(value)} — is that ${first}?`
              : `${def.label} ${describeNumber(value)} — in ${r.candidates.join(' or ')}?`;
          return {
            question: { code: 'CALC_UNIT_AMBIGUOUS', input: def.name, text, options: r.candidates },
          };
        }
        case 'ok':
          if (def.integer === true && !Number.isInteger(r.value))
            return {
              error: new CalcError(
                'CALC_INPUT_INVALID',
                `${def.label} must be a whole number.`,
                def.name,
              ),
            };
          return {
            ok: {
              name: def.name,
              label: def.label,
              value: r.value,
              unit: canonical,
              ...(r.unit !== canonical || r.assumed ? { given: { value, unit: r.unit } } : {}),
              unitAssumed: r.assumed,
              provenance,
            },
          };
      }
      break;
    }
    case 'boolean':
      if (typeof value !== 'boolean')
        return {
          error: new CalcError('CALC_INPUT_INVALID', `${def.label} must be yes or no.`, def.name),
        };
      return {
        ok: { name: def.name, label: def.label, value, unit: '', unitAssumed: false, provenance },
      };
    case 'choice': {
      const option =
        typeof value === 'string'
          ? def.options.find((o) => o.value === value.trim().toLowerCase())
          : undefined;
      if (!option)
        return {
          error: new CalcError(
            'CALC_INPUT_INVALID',
            `${def.label} must be one of: ${def.options.map((o) => o.value).join(', ')}.`,
            def.name,
          ),
        };
      return {
        ok: {
          name: def.name,
          label: def.label,
          value: option.value,
          unit: '',
          unitAssumed: false,
          provenance,
        },
      };
    }
  }
}

function defaultOf(def: InputDef): ResolvedInput | undefined {
  if (def.default === undefined) return undefined;
  return {
    name: def.name,
    label: def.label,
    value: def.default,
    unit: def.kind === 'number' ? def.quantity.units[0].symbol : '',
    unitAssumed: false,
    provenance: 'default',
  };
}

function missingQuestion(def: InputDef): Question {
  return {
    code: 'CALC_INPUT_MISSING',
    input: def.name,
    text: def.question,
    ...(def.kind === 'choice' ? { options: def.options.map((o) => o.label) } : {}),
    ...(def.kind === 'boolean' ? { options: ['yes', 'no'] } : {}),
  };
}

/**
 * One question to say aloud: the first non-yes/no question, or, when only criteria are missing,
 * one "which of these apply" question (a checklist read one by one is not usable by voice).
 */
export function promptFor(def: CalculatorDef, questions: readonly Question[]): string {
  const first = questions[0];
  if (!first) return '';
  const byName = new Map(def.inputs.map((i) => [i.name, i]));
  const missingBooleans = questions.filter(
    (q) => q.code === 'CALC_INPUT_MISSING' && byName.get(q.input)?.kind === 'boolean',
  );
  if (missingBooleans.length >= 2 && missingBooleans.length === questions.length)
    return `Which of these apply: ${missingBooleans
      .map((q) => byName.get(q.input)?.label ?? q.input)
      .join('; ')}? Say "none" if none do.`;
  return (questions.find((q) => byName.get(q.input)?.kind !== 'boolean') ?? first).text;
}

/**
 * Validates the inputs against the definition and, only when every one is present, in range,
 * unambiguous and consistent, runs the formula. Never returns a number for anything less.
 */
export function evaluate(def: CalculatorDef, raw: RawInputs): Evaluation {
  const byName = new Map(def.inputs.map((i) => [i.name, i]));
  for (const name of Object.keys(raw))
    if (!byName.has(name))
      return errorOf(
        'CALC_INPUT_UNKNOWN',
        `${def.name} has no input "${name}"; its inputs are: ${def.inputs.map((i) => i.name).join(', ')}.`,
        name,
      );

  const resolved = new Map<string, ResolvedInput>();
  const questions: Question[] = [];
  for (const input of def.inputs) {
    const given = raw[input.name];
    if (given === undefined) {
      const d = defaultOf(input);
      if (d) resolved.set(input.name, d);
      continue;
    }
    const r = resolveOne(input, given);
    if ('error' in r) return errorOf(r.error.code, r.error.message, r.error.input);
    if ('question' in r) questions.push(r.question);
    else resolved.set(input.name, r.ok);
  }

  const partial = Object.fromEntries([...resolved].map(([k, v]) => [k, v.value]));
  const required = new Set(def.requires?.(partial) ?? []);
  for (const input of def.inputs) {
    if (resolved.has(input.name) || questions.some((q) => q.input === input.name)) continue;
    if (input.optional !== true || required.has(input.name)) questions.push(missingQuestion(input));
  }
  if (questions.length > 0)
    return { status: 'needs-input', questions, prompt: promptFor(def, questions) };

  const values = partial as Parameters<CalculatorDef['compute']>[0];
  const conflict = def.conflicts?.(values);
  if (conflict) {
    const question: Question = {
      code: 'CALC_INPUT_CONTRADICTORY',
      input: conflict.inputs[0] ?? '',
      text: conflict.message,
    };
    return { status: 'needs-input', questions: [question], prompt: question.text };
  }

  let value: number;
  try {
    value = def.compute(values);
  } catch (err) {
    if (err instanceof CalcError) return errorOf(err.code, err.message, err.input);
    throw err;
  }
  if (!Number.isFinite(value))
    return errorOf(
      CALC_ERRORS.CALC_NOT_APPLICABLE,
      `${def.name} is not defined for these inputs: check them.`,
    );

  const reported = roundTo(value, def.output.decimals);
  const source = def.sourceFor?.(values) ?? def.source;
  const interpretation = def.interpret
    ? def.interpret(reported, values)
    : (def.bands?.find((b) => b.below === undefined || reported < b.below)?.text ?? '');
  return {
    status: 'ok',
    result: {
      calculatorId: def.id,
      name: def.name,
      value: roundTo(value, 6),
      display: reported.toFixed(def.output.decimals),
      unit: def.output.unit,
      interpretation,
      source,
      sourceText: formatSource(source),
      inputs: def.inputs.flatMap((i) => {
        const r = resolved.get(i.name);
        return r ? [r] : [];
      }),
      details: def.details?.(values) ?? {},
    },
  };
}

/** Throws CalcError unless the evaluation produced a result (for callers that want a number). */
export function resultOrThrow(evaluation: Evaluation): CalcResult {
  switch (evaluation.status) {
    case 'ok':
      return evaluation.result;
    case 'needs-input': {
      const q = evaluation.questions[0];
      throw new CalcError(q?.code ?? 'CALC_INPUT_MISSING', evaluation.prompt, q?.input);
    }
    case 'error':
      throw new CalcError(evaluation.error.code, evaluation.error.message, evaluation.error.input);
  }
}
