import type { RawInput, RawInputs } from './engine.js';
import { CalcError } from './errors.js';
import type { CalculatorDef, InputDef } from './types.js';

/**
 * The contract offered to a language model: an OpenAI-style function whose arguments are the
 * calculator's inputs — never its result. The model fills what it read in the conversation; the
 * arguments come back through `fromToolArguments` as provenance "llm" and go through the same
 * validation as typed input, so a wrong unit or an invented value still gets a question or an
 * error, and the formula runs only here.
 */

type JsonSchema = Readonly<Record<string, unknown>>;

function schemaOf(input: InputDef): JsonSchema {
  switch (input.kind) {
    case 'boolean':
      return { type: 'boolean', description: input.label };
    case 'choice':
      return {
        type: 'string',
        enum: input.options.map((o) => o.value),
        description: `${input.label}: ${input.options.map((o) => `${o.value} = ${o.label}`).join('; ')}`,
      };
    case 'number': {
      const units = input.quantity.units.map((u) => u.symbol).filter((u) => u !== '');
      const value = { type: 'number', description: input.label };
      if (units.length === 0) return value;
      return {
        type: 'object',
        description: `${input.label}, with the unit it was given in`,
        properties: { value, unit: { type: 'string', enum: units } },
        required: ['value', 'unit'],
        additionalProperties: false,
      };
    }
  }
}

/** OpenAI "tools" entry (type function) for argument filling. Only stated values belong in it. */
export function toolFor(def: CalculatorDef): JsonSchema {
  return {
    type: 'function',
    function: {
      name: `calc_${def.id.replace(/[^a-z0-9]+/g, '_')}`,
      description: `Fill the inputs of "${def.name}" from what was said. Leave out anything not stated; do not compute the result.`,
      parameters: {
        type: 'object',
        properties: Object.fromEntries(def.inputs.map((i) => [i.name, schemaOf(i)])),
        additionalProperties: false,
      },
    },
  };
}

/** Reads a model's tool-call arguments (a JSON string) as inputs with provenance "llm". */
export function fromToolArguments(def: CalculatorDef, argumentsJson: string): RawInputs {
  let args: unknown;
  try {
    args = JSON.parse(argumentsJson);
  } catch {
    throw new CalcError('CALC_REQUEST_INVALID', 'The model’s arguments are not valid JSON.');
  }
  if (args === null || typeof args !== 'object' || Array.isArray(args))
    throw new CalcError('CALC_REQUEST_INVALID', 'The model’s arguments must be an object.');
  const names = new Set(def.inputs.map((i) => i.name));
  const out: Record<string, RawInput> = {};
  for (const [name, v] of Object.entries(args as Record<string, unknown>)) {
    if (!names.has(name))
      throw new CalcError('CALC_INPUT_UNKNOWN', `${def.name} has no input "${name}".`, name);
    if (v === null || v === undefined) continue; // "not stated"
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string')
      out[name] = { value: v, provenance: 'llm' };
    else if (typeof v === 'object' && !Array.isArray(v)) {
      const { value, unit } = v as { value?: unknown; unit?: unknown };
      if (typeof value !== 'number' || (unit !== undefined && typeof unit !== 'string'))
        throw new CalcError(
          'CALC_INPUT_INVALID',
          `Input "${name}" must be {value: number, unit}.`,
          name,
        );
      out[name] = { value, ...(unit === undefined ? {} : { unit }), provenance: 'llm' };
    } else
      throw new CalcError('CALC_INPUT_INVALID', `Input "${name}" has an unsupported shape.`, name);
  }
  return out;
}
