import type {
  CalcEvaluationDto,
  CalcParseOutput,
  CalcResultDto,
  CalcSummaryDto,
} from '../../shared/calculators.js';
import { CodedError } from '../../shared/errors.js';
import type { Handlers } from '../rpc/server.js';
import type { Db } from '../store/database.js';
import { evaluate, formatSource, type CalcResult } from './engine.js';
import { CalcError } from './errors.js';
import { CalcHistoryRepository } from './history.js';
import { CALCULATORS, getCalculator } from './registry.js';
import { toSpeech } from './speech.js';
import type { CalculatorDef } from './types.js';
import { understand } from './understand.js';

type CalcCall = 'calc.list' | 'calc.run' | 'calc.parse' | 'calc.history';

/** How the calls reach the encrypted store: the profile's database, when there is one. */
export type HistoryStore = () => Promise<CalcHistoryRepository | undefined>;

/** The history in the engine's profile (opened on first use); none without a profile. */
export function historyIn(profiles: {
  get(): Promise<{ knowledge: { db: Db } } | undefined>;
}): HistoryStore {
  let repo: { db: Db; repo: CalcHistoryRepository } | undefined;
  return async () => {
    const profile = await profiles.get();
    if (!profile) return undefined;
    const db = profile.knowledge.db;
    if (repo?.db !== db) repo = { db, repo: new CalcHistoryRepository(db) };
    return repo.repo;
  };
}

export function summaryOf(def: CalculatorDef): CalcSummaryDto {
  return {
    id: def.id,
    name: def.name,
    category: def.category,
    inputs: def.inputs.map((i) => ({
      name: i.name,
      label: i.label,
      kind: i.kind,
      units: i.kind === 'number' ? i.quantity.units.map((u) => u.symbol) : [],
      range: i.kind === 'number' ? [i.range[0], i.range[1]] : null,
      options:
        i.kind === 'choice' ? i.options.map((o) => ({ value: o.value, label: o.label })) : [],
      optional: i.optional === true,
    })),
    source: formatSource(def.source),
    year: def.source.year,
  };
}

export function resultDto(result: CalcResult): CalcResultDto {
  return {
    calculatorId: result.calculatorId,
    name: result.name,
    value: result.value,
    display: result.display,
    unit: result.unit,
    interpretation: result.interpretation,
    source: result.sourceText,
    spoken: toSpeech(result),
    inputs: result.inputs.map((i) => ({
      name: i.name,
      label: i.label,
      value: i.value,
      unit: i.unit,
      ...(i.given ? { given: { value: i.given.value, unit: i.given.unit } } : {}),
      unitAssumed: i.unitAssumed,
      provenance: i.provenance,
    })),
  };
}

/**
 * The Calculators view's calls. The formula runs here on the inputs as sent (the contract's
 * schema checked them on arrival; the calculator's own validation asks or refuses exactly as for
 * spoken input). A result goes into the history when the engine has a profile.
 */
export class CalculatorsRpc {
  constructor(private readonly history: HistoryStore) {}

  private async run(
    calculatorId: string,
    inputs: Parameters<typeof evaluate>[1],
  ): Promise<CalcEvaluationDto> {
    const def = getCalculator(calculatorId);
    if (!def) throw new CalcError('CALC_UNKNOWN', `No calculator is called "${calculatorId}".`);
    const evaluation = evaluate(def, inputs);
    if (evaluation.status === 'needs-input')
      return {
        status: 'needs-input',
        prompt: evaluation.prompt,
        questions: evaluation.questions.map((q) => ({
          code: q.code,
          input: q.input,
          text: q.text,
          ...(q.options ? { options: [...q.options] } : {}),
        })),
      };
    if (evaluation.status === 'error')
      return {
        status: 'error',
        error: {
          code: evaluation.error.code,
          message: evaluation.error.message,
          ...(evaluation.error.input === undefined ? {} : { input: evaluation.error.input }),
        },
      };
    const result = resultDto(evaluation.result);
    let historyId: number | undefined;
    try {
      historyId = (await this.history())?.add(result).id;
    } catch {
      historyId = undefined; // the store failed (its error shows in calc.history): keep the result
    }
    return { status: 'ok', result, ...(historyId === undefined ? {} : { historyId }) };
  }

  private parse(text: string, said: 'typed' | 'spoken'): CalcParseOutput {
    const u = understand(text, said);
    if (u.kind === 'no-calculator') return u;
    if (u.kind === 'which-calculator')
      return { kind: 'which-calculator', question: u.question, ids: [...u.ids] };
    const inputs = Object.fromEntries(
      Object.entries(u.request.inputs).map(([name, i]) => [
        name,
        {
          value: i.value,
          provenance: i.provenance,
          ...(i.unit === undefined ? {} : { unit: i.unit }),
        },
      ]),
    );
    return { kind: 'request', calculatorId: u.request.calculatorId, inputs };
  }

  handlers(): Pick<Handlers, CalcCall> {
    return {
      'calc.list': () => CALCULATORS.map(summaryOf),
      'calc.run': ({ calculatorId, inputs }) => this.run(calculatorId, inputs),
      'calc.parse': ({ text, said }) => this.parse(text, said),
      'calc.history': async ({ limit }) => {
        const store = await this.history();
        if (!store)
          throw new CodedError(
            'CALC_HISTORY_NOT_AVAILABLE',
            'Calculation history is not available: the engine has no profile folder (VOICEASSIST_PROFILE_DIR). Results are still calculated.',
          );
        return store.list(limit ?? 100);
      },
    };
  }
}
