import {
  answer,
  getCalculator,
  matchCalculator,
  toSpeech,
  understand,
  withInputs,
  type CalcRequest,
  type CalcResult,
  type CalculatorDef,
  type RawInputs,
} from '../../calculators/index.js';
import type { CalcErrorCode } from '../../calculators/index.js';

/** Fills inputs of `def` from `text` (a language model); never a result. */
export type InputFiller = (
  def: CalculatorDef,
  text: string,
  signal?: AbortSignal,
) => Promise<RawInputs | undefined>;

export type Said = 'typed' | 'spoken';

/** What the assistant does next in a calculator turn. */
export type CalcStep =
  /** A question: a missing input, a unit to confirm, a contradiction, which calculator. */
  | {
      readonly kind: 'ask';
      readonly text: string;
      readonly options?: readonly string[];
      readonly request?: CalcRequest;
    }
  /** The result: `text` is what is spoken (value, interpretation, source). */
  | {
      readonly kind: 'result';
      readonly text: string;
      readonly result: CalcResult;
      readonly request: CalcRequest;
    }
  /** A coded refusal (out of range, invalid, not applicable): never a number. */
  | { readonly kind: 'error'; readonly code: CalcErrorCode; readonly text: string }
  /** The words name no calculator: not a calculation. */
  | { readonly kind: 'none' };

const DONE = /^\s*(?:cancel|stop|never ?mind|forget it)\b/i;

/**
 * One calculator conversation: "CKD-EPI for creatinine 1.4, 67-year-old woman" → inputs from the
 * words (and, when configured, a language model filling only what the words did not give) →
 * questions for what is missing, ambiguous or contradictory → the result spoken with its
 * interpretation and source. The formula always runs here.
 */
export class CalculatorDialogue {
  private request: CalcRequest | undefined;
  private choosing: { readonly ids: readonly string[]; readonly text: string } | undefined;

  constructor(private readonly options: { readonly fill?: InputFiller } = {}) {}

  /** Whether the dialogue waits for a reply. */
  get open(): boolean {
    return this.choosing !== undefined || this.request?.evaluation.status === 'needs-input';
  }

  get current(): CalcRequest | undefined {
    return this.request;
  }

  async start(
    text: string,
    said: Said,
    calculatorId?: string,
    signal?: AbortSignal,
  ): Promise<CalcStep> {
    this.request = undefined;
    this.choosing = undefined;
    const understood = understand(text, said, calculatorId);
    switch (understood.kind) {
      case 'no-calculator':
        return { kind: 'none' };
      case 'which-calculator':
        this.choosing = { ids: understood.ids, text };
        return {
          kind: 'ask',
          text: understood.question,
          options: understood.ids.map((id) => getCalculator(id)?.name ?? id),
        };
      case 'request':
        return this.step(await this.filled(understood.request, text, signal));
    }
  }

  /** The person's reply to the open question. */
  async reply(text: string, said: Said, signal?: AbortSignal): Promise<CalcStep> {
    if (DONE.test(text)) {
      this.request = undefined;
      this.choosing = undefined;
      return { kind: 'ask', text: 'Calculation cancelled.' };
    }
    if (this.choosing) {
      const { ids, text: original } = this.choosing;
      const match = matchCalculator(text);
      const picked =
        match.kind === 'one' && ids.includes(match.id) ? match.id : pickByPosition(text, ids);
      if (picked === undefined) return { kind: 'ask', text: `Sorry — ${understandQuestion(ids)}` };
      return this.start(original, said, picked, signal);
    }
    if (!this.request) return { kind: 'none' };
    return this.step(answer(this.request, text, said));
  }

  /** The model adds only inputs the words did not give; they are validated like typed ones. */
  private async filled(
    request: CalcRequest,
    text: string,
    signal?: AbortSignal,
  ): Promise<CalcRequest> {
    const def = getCalculator(request.calculatorId);
    if (!this.options.fill || !def || request.evaluation.status !== 'needs-input') return request;
    let fromModel: RawInputs | undefined;
    try {
      fromModel = await this.options.fill(def, text, signal);
    } catch {
      signal?.throwIfAborted();
      return request; // no model answer: the questions ask for what is missing
    }
    const added = Object.fromEntries(
      Object.entries(fromModel ?? {}).filter(([name]) => request.inputs[name] === undefined),
    );
    return Object.keys(added).length > 0 ? withInputs(request, added) : request;
  }

  private step(request: CalcRequest): CalcStep {
    this.request = request;
    const e = request.evaluation;
    switch (e.status) {
      case 'ok':
        return { kind: 'result', text: toSpeech(e.result), result: e.result, request };
      case 'needs-input': {
        const options = e.questions[0]?.options;
        return { kind: 'ask', text: e.prompt, request, ...(options ? { options } : {}) };
      }
      case 'error':
        return { kind: 'error', code: e.error.code, text: e.error.message };
    }
  }
}

function understandQuestion(ids: readonly string[]): string {
  const names = ids.map((id) => getCalculator(id)?.name ?? id);
  return `which one: ${names.join(', ')}?`;
}

const ORDINALS: readonly RegExp[] = [
  /\b(?:first|1st)\b/i,
  /\b(?:second|2nd)\b/i,
  /\b(?:third|3rd)\b/i,
];
const NUMBERS: readonly RegExp[] = [
  /^\W*(?:number )?(?:one|1)\W*$/i,
  /^\W*(?:number )?(?:two|2)\W*$/i,
  /^\W*(?:number )?(?:three|3)\W*$/i,
];

/** "the second one", "2nd", "number two", "the last" → that calculator. */
function pickByPosition(text: string, ids: readonly string[]): string | undefined {
  if (/\b(?:last|latter)\b/i.test(text)) return ids.at(-1);
  let i = ORDINALS.findIndex((p) => p.test(text));
  if (i < 0) i = NUMBERS.findIndex((p) => p.test(text));
  return i >= 0 ? ids[i] : undefined;
}
