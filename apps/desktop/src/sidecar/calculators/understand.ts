import { evaluate, promptFor, type Evaluation, type Question, type RawInput } from './engine.js';
import { extractInputs, type ExtractedInput } from './extract.js';
import { matchCalculator, type CalculatorMatch } from './match.js';
import { getCalculator } from './registry.js';
import type { CalculatorDef, Provenance } from './types.js';
import { findUnit, normalizeUnit } from './units.js';

/**
 * A calculator request from typed or spoken words, understood locally: which calculator, which
 * inputs with where each came from, and what to ask next. The formula only ever runs here, on
 * validated inputs; a language model may contribute inputs (provenance "llm") through
 * `withInputs`, never a result.
 */
export interface CalcRequest {
  readonly calculatorId: string;
  readonly inputs: Readonly<Record<string, RawInput & { readonly evidence?: string }>>;
  readonly evaluation: Evaluation;
}

export type Understanding =
  | { readonly kind: 'request'; readonly request: CalcRequest }
  | {
      readonly kind: 'which-calculator';
      readonly question: string;
      readonly ids: readonly string[];
    }
  | { readonly kind: 'no-calculator' };

function evaluateWithConflicts(
  def: CalculatorDef,
  inputs: CalcRequest['inputs'],
  conflicts: readonly { input: string; heard: readonly string[] }[],
): Evaluation {
  if (conflicts.length === 0) return evaluate(def, inputs);
  const byName = new Map(def.inputs.map((i) => [i.name, i]));
  const questions: Question[] = conflicts.map((c) => ({
    code: 'CALC_INPUT_CONTRADICTORY',
    input: c.input,
    text: `I heard ${c.heard.map((h) => `"${h}"`).join(' and ')} for ${byName.get(c.input)?.label.toLowerCase() ?? c.input}: which is right?`,
  }));
  return { status: 'needs-input', questions, prompt: promptFor(def, questions) };
}

/** Names the calculator in `text` (or uses `calculatorId`), fills its inputs and evaluates. */
export function understand(
  text: string,
  provenance: Extract<Provenance, 'typed' | 'spoken' | 'conversation'>,
  calculatorId?: string,
): Understanding {
  let match: CalculatorMatch;
  if (calculatorId === undefined) match = matchCalculator(text);
  else match = { kind: 'one', id: calculatorId, phrase: '' };
  switch (match.kind) {
    case 'none':
      return { kind: 'no-calculator' };
    case 'ambiguous':
      return { kind: 'which-calculator', question: match.question, ids: match.ids };
    case 'one':
      break;
  }
  const def = getCalculator(match.id);
  if (!def) return { kind: 'no-calculator' };
  const { inputs, conflicts } = extractInputs(def, text, provenance, match.phrase);
  return {
    kind: 'request',
    request: {
      calculatorId: def.id,
      inputs,
      evaluation: evaluateWithConflicts(def, inputs, conflicts),
    },
  };
}

/** Adds or replaces inputs (a typed correction, an LLM's argument filling) and re-evaluates. */
export function withInputs(
  request: CalcRequest,
  inputs: Readonly<Record<string, RawInput>>,
): CalcRequest {
  const def = getCalculator(request.calculatorId);
  if (!def) throw new Error(`unknown calculator ${request.calculatorId}`);
  const merged = { ...request.inputs, ...inputs };
  return { calculatorId: def.id, inputs: merged, evaluation: evaluate(def, merged) };
}

const YES = /^\s*(?:yes|yeah|yep|correct|right|that'?s right|affirmative|it is)\b/i;
const NONE = /^\s*(?:none|no|nope|neither|none of them|none of those|nothing)\b\.?\s*$/i;

/**
 * Applies the person's reply to the open questions of a request: "yes" to a unit confirmation,
 * a unit name, a value for a missing input, or — for a "which of these apply" checklist — the
 * criteria that apply (the rest are then taken as absent; "none" means all absent).
 */
export function answer(
  request: CalcRequest,
  reply: string,
  provenance: Extract<Provenance, 'typed' | 'spoken'>,
): CalcRequest {
  const def = getCalculator(request.calculatorId);
  if (!def || request.evaluation.status !== 'needs-input') return request;
  const questions = request.evaluation.questions;
  const [first] = questions;
  if (!first) return request;
  const update: Record<string, RawInput> = {};

  if (first.code === 'CALC_UNIT_AMBIGUOUS') {
    const given = request.inputs[first.input];
    const input = def.inputs.find((i) => i.name === first.input);
    const options = first.options ?? [];
    const said = normalizeUnit(reply.replace(/\bmicro\s*mol(?:e)?s?\b/gi, 'umol'));
    const named =
      input?.kind === 'number'
        ? options.find((o) =>
            (findUnit(input.quantity, o)?.aliases ?? []).some(
              (a) => a.length >= 2 && said.includes(a),
            ),
          )
        : undefined;
    const unit = named ?? (YES.test(reply) && options.length === 1 ? options[0] : undefined);
    if (given && unit !== undefined) update[first.input] = { value: given.value, unit, provenance };
    else Object.assign(update, extractInputs(def, reply, provenance).inputs);
    return withInputs(request, update);
  }

  const missingBooleans = questions.filter(
    (q) =>
      q.code === 'CALC_INPUT_MISSING' &&
      def.inputs.find((i) => i.name === q.input)?.kind === 'boolean',
  );
  if (missingBooleans.length >= 2 && missingBooleans.length === questions.length) {
    const heard = extractInputs(def, reply, provenance).inputs;
    for (const q of missingBooleans)
      update[q.input] = heard[q.input] ?? { value: false, provenance };
    if (NONE.test(reply))
      for (const q of missingBooleans) update[q.input] = { value: false, provenance };
    return withInputs(request, update);
  }

  const input = def.inputs.find((i) => i.name === first.input);
  const heard: Record<string, ExtractedInput> = { ...extractInputs(def, reply, provenance).inputs };
  if (input && heard[input.name] === undefined) {
    // The reply answers this question, so a bare value belongs to it: "72 kg", "yes", "moderate".
    if (input.kind === 'boolean') {
      if (YES.test(reply)) update[input.name] = { value: true, provenance };
      else if (NONE.test(reply)) update[input.name] = { value: false, provenance };
    } else if (input.kind === 'number') {
      const m = /(-?\d+(?:\.\d+)?)\s*([^\d\s,.;][^,.;]*)?/.exec(reply);
      if (m)
        update[input.name] = {
          value: Number(m[1]),
          ...(m[2] !== undefined && findUnit(input.quantity, m[2].trim())
            ? { unit: m[2].trim() }
            : {}),
          provenance,
        };
    } else {
      const r = reply.toLowerCase();
      const option = input.options.find(
        (o) =>
          r.includes(o.value) ||
          [o.label, ...(o.spoken ?? [])].some((s) => r.includes(s.toLowerCase())),
      );
      if (option) update[input.name] = { value: option.value, provenance };
    }
  }
  return withInputs(request, { ...heard, ...update });
}
