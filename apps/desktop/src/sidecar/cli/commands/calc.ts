import {
  evaluate,
  type Evaluation,
  type RawInput,
  type RawInputs,
} from '../../calculators/engine.js';
import { CalcError } from '../../calculators/errors.js';
import { findCalculator } from '../../calculators/match.js';
import { fromMedcalc } from '../../calculators/medcalc.js';
import { CALCULATORS, summarize } from '../../calculators/registry.js';
import { understand } from '../../calculators/understand.js';
import {
  EXIT_FAILURE,
  EXIT_OK,
  parseCommandArgs,
  readAll,
  UsageError,
  writeLine,
  type CliIO,
  type Command,
} from '../io.js';

const USAGE = `usage: voiceassist calc list [--json]
       voiceassist calc run ID --inputs JSON [--json]
       voiceassist calc run --jsonl [--format medcalc]
       voiceassist calc parse TEXT [--json]

Medical calculators, computed on this machine from a published formula; never a number from
missing, out-of-range, contradictory or unit-ambiguous inputs.

  list       every calculator: id, name, inputs (canonical unit, plausible range), source
  run ID     one calculation; --inputs is a JSON object, e.g.
             '{"age":67,"sex":"female","creatinine":[1.4,"mg/dL"]}' (numbers with units as
             [value, unit]; yes/no as true/false; options as strings)
  --jsonl    read lines {"id","calculator","inputs"} on stdin, write {"id","value"} or
             {"id","error":{"code","message"}} per line
  --format medcalc
             with --jsonl: "calculator" is a MedCalc-Bench calculator name and "inputs" its
             relevant entities (absent criteria count as not present, as in that benchmark)
  parse TEXT understand a typed request ("CKD-EPI for creatinine 1.4, 67-year-old woman"):
             the calculator, the inputs found, and the result or the next question
  --json     machine-readable output

exit codes: 0 done (with --jsonl: every line read, per-line errors included), 1 a calculation
could not be done (the message says what is missing or wrong) or a line was not valid JSON,
2 wrong usage`;

type ErrorBody = { readonly code: string; readonly message: string };

function errorOf(e: Evaluation): ErrorBody | undefined {
  switch (e.status) {
    case 'ok':
      return undefined;
    case 'needs-input':
      return { code: e.questions[0]?.code ?? 'CALC_INPUT_MISSING', message: e.prompt };
    case 'error':
      return { code: e.error.code, message: e.error.message };
  }
}

/** CLI input values: number, [number, unit], true/false, or an option string. */
function toRawInputs(value: unknown): RawInputs {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new CalcError('CALC_REQUEST_INVALID', 'The inputs must be a JSON object of name: value.');
  const out: Record<string, RawInput> = {};
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string')
      out[name] = { value: v, provenance: 'typed' };
    else if (
      Array.isArray(v) &&
      v.length === 2 &&
      typeof v[0] === 'number' &&
      typeof v[1] === 'string'
    )
      out[name] = { value: v[0], unit: v[1], provenance: 'typed' };
    else
      throw new CalcError(
        'CALC_INPUT_INVALID',
        `Input "${name}" must be a number, [number, "unit"], true/false or a string.`,
        name,
      );
  }
  return out;
}

function evaluateRequest(
  calculator: unknown,
  inputs: unknown,
  format: 'native' | 'medcalc',
): Evaluation {
  if (typeof calculator !== 'string')
    throw new CalcError('CALC_REQUEST_INVALID', '"calculator" must be a string.');
  if (format === 'medcalc') {
    if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs))
      throw new CalcError('CALC_REQUEST_INVALID', '"inputs" must be an object of entities.');
    const request = fromMedcalc(calculator, inputs as Record<string, unknown>);
    const def = findCalculator(request.calculatorId);
    if (!def) throw new CalcError('CALC_UNKNOWN', `No calculator "${request.calculatorId}".`);
    return evaluate(def, request.inputs);
  }
  const def = findCalculator(calculator);
  if (!def)
    throw new CalcError(
      'CALC_UNKNOWN',
      `No calculator "${calculator}": see \`voiceassist calc list\`.`,
    );
  return evaluate(def, toRawInputs(inputs));
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CalcError('CALC_REQUEST_INVALID', `${what} is not valid JSON.`); // never echoed: may hold PHI
  }
}

async function runJsonl(io: CliIO, format: 'native' | 'medcalc'): Promise<number> {
  const input = await readAll(io.stdin);
  let malformed = 0;
  let n = 0;
  for (const raw of input.split('\n')) {
    n++;
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    let id: unknown = null;
    try {
      const req = parseJson(line, `Line ${n}`);
      if (req === null || typeof req !== 'object' || Array.isArray(req))
        throw new CalcError(
          'CALC_REQUEST_INVALID',
          `Line ${n} must be an object {"id","calculator","inputs"}.`,
        );
      const { id: given, calculator, inputs } = req as Record<string, unknown>;
      id = given ?? null;
      const e = evaluateRequest(calculator, inputs ?? {}, format);
      const error = errorOf(e);
      writeLine(
        io.stdout,
        JSON.stringify(e.status === 'ok' ? { id, value: e.result.value } : { id, error }),
      );
    } catch (err) {
      if (!(err instanceof CalcError)) throw err;
      if (err.code === 'CALC_REQUEST_INVALID') malformed++;
      writeLine(io.stdout, JSON.stringify({ id, error: { code: err.code, message: err.message } }));
    }
  }
  if (malformed > 0) {
    writeLine(
      io.stderr,
      `voiceassist calc: ${malformed} line(s) were not valid requests (see their error lines).`,
    );
    return EXIT_FAILURE;
  }
  return EXIT_OK;
}

function runOne(io: CliIO, id: string, inputsJson: string, json: boolean): number {
  let e: Evaluation;
  try {
    e = evaluateRequest(id, parseJson(inputsJson, '--inputs'), 'native');
  } catch (err) {
    if (!(err instanceof CalcError)) throw err;
    return fail(io, { code: err.code, message: err.message }, json);
  }
  if (e.status !== 'ok')
    return fail(io, errorOf(e) ?? { code: 'CALC_INPUT_MISSING', message: '' }, json, e);
  const r = e.result;
  if (json)
    writeLine(
      io.stdout,
      JSON.stringify({
        id: r.calculatorId,
        value: r.value,
        display: r.display,
        unit: r.unit,
        interpretation: r.interpretation,
        source: r.sourceText,
        inputs: r.inputs,
        details: r.details,
      }),
    );
  else {
    writeLine(io.stdout, `${r.name}: ${r.display} ${r.unit}`);
    if (r.interpretation) writeLine(io.stdout, r.interpretation);
    writeLine(io.stdout, `Source: ${r.sourceText}`);
  }
  return EXIT_OK;
}

function fail(io: CliIO, error: ErrorBody, json: boolean, e?: Evaluation): number {
  if (json)
    writeLine(
      io.stdout,
      JSON.stringify({ error, ...(e?.status === 'needs-input' ? { questions: e.questions } : {}) }),
    );
  writeLine(io.stderr, `voiceassist calc: ${error.code}: ${error.message}`);
  return EXIT_FAILURE;
}

function list(io: CliIO, json: boolean): number {
  if (json) {
    writeLine(io.stdout, JSON.stringify(CALCULATORS.map(summarize)));
    return EXIT_OK;
  }
  for (const c of CALCULATORS)
    writeLine(io.stdout, `${c.id.padEnd(28)} ${c.name} (${c.source.year})`);
  return EXIT_OK;
}

function parse(io: CliIO, text: string, json: boolean): number {
  const u = understand(text, 'typed');
  if (json) writeLine(io.stdout, JSON.stringify(u));
  switch (u.kind) {
    case 'no-calculator':
      if (!json)
        writeLine(
          io.stderr,
          'voiceassist calc: CALC_UNKNOWN: no calculator is named in that text.',
        );
      return EXIT_FAILURE;
    case 'which-calculator':
      if (!json) writeLine(io.stdout, u.question);
      return EXIT_FAILURE;
    case 'request': {
      const { request } = u;
      if (!json) {
        writeLine(io.stdout, `calculator: ${request.calculatorId}`);
        for (const [name, v] of Object.entries(request.inputs))
          writeLine(
            io.stdout,
            `  ${name} = ${String(v.value)}${v.unit ? ` ${v.unit}` : ''} (${v.provenance})`,
          );
        const e = request.evaluation;
        if (e.status === 'ok')
          writeLine(io.stdout, `${e.result.display} ${e.result.unit}: ${e.result.interpretation}`);
        else writeLine(io.stdout, errorOf(e)?.message ?? '');
      }
      return request.evaluation.status === 'ok' ? EXIT_OK : EXIT_FAILURE;
    }
  }
}

export const command: Command = {
  name: 'calc',
  summary: 'medical calculators: list, run one or JSONL, parse a typed request',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      json: { type: 'boolean' },
      jsonl: { type: 'boolean' },
      inputs: { type: 'string' },
      format: { type: 'string' },
    });
    const [sub, ...rest] = positionals;
    const json = values.json === true;
    const only = (allowed: readonly string[]): void => {
      for (const k of Object.keys(values))
        if (!allowed.includes(k))
          throw new UsageError(`--${k} does not apply to 'calc ${sub ?? ''}'`);
    };
    switch (sub) {
      case 'list':
        only(['json']);
        if (rest.length > 0) throw new UsageError(`unexpected argument '${rest.join(' ')}'`);
        return list(io, json);
      case 'run': {
        if (values.jsonl === true) {
          only(['jsonl', 'format']);
          if (rest.length > 0)
            throw new UsageError('--jsonl reads the calculator from each line: give no ID');
          const format = values.format;
          if (format !== undefined && format !== 'medcalc')
            throw new UsageError(`unknown --format '${String(format)}' (only: medcalc)`);
          return runJsonl(io, format === 'medcalc' ? 'medcalc' : 'native');
        }
        only(['json', 'inputs']);
        const [id, ...extra] = rest;
        if (id === undefined)
          throw new UsageError('missing calculator ID (see `voiceassist calc list`)');
        if (extra.length > 0) throw new UsageError(`unexpected argument '${extra.join(' ')}'`);
        if (typeof values.inputs !== 'string') throw new UsageError('missing --inputs JSON');
        return runOne(io, id, values.inputs, json);
      }
      case 'parse':
        only(['json']);
        if (rest.length === 0) throw new UsageError('missing TEXT to parse');
        return parse(io, rest.join(' '), json);
      case undefined:
        throw new UsageError('missing subcommand: list, run or parse');
      default:
        throw new UsageError(`unknown subcommand '${sub}'`);
    }
  },
};
