import { CodedError } from '../../shared/errors.js';

/**
 * The calculators' coded errors. Codes are a contract: the CLI prints them, the turn and the
 * Calculators view branch on them. Messages name the input and what to do; they never repeat
 * free text from an utterance (it may hold PHI), only the calculator's own labels and numbers.
 */
export const CALC_ERRORS = {
  /** No calculator has this id or name. */
  CALC_UNKNOWN: 'CALC_UNKNOWN',
  /** A required input was not given (the message is the question to ask). */
  CALC_INPUT_MISSING: 'CALC_INPUT_MISSING',
  /** A number came without a unit and more than one unit, or only a non-default one, fits it. */
  CALC_UNIT_AMBIGUOUS: 'CALC_UNIT_AMBIGUOUS',
  /** The unit is not one this input accepts. */
  CALC_UNIT_UNKNOWN: 'CALC_UNIT_UNKNOWN',
  /** The value is outside the plausible range for this input. */
  CALC_INPUT_OUT_OF_RANGE: 'CALC_INPUT_OUT_OF_RANGE',
  /** The value has the wrong type (a word where a number belongs, an option that does not exist). */
  CALC_INPUT_INVALID: 'CALC_INPUT_INVALID',
  /** The calculator has no input of this name (inputs are an allow-list). */
  CALC_INPUT_UNKNOWN: 'CALC_INPUT_UNKNOWN',
  /** Two inputs (or two mentions of one input) cannot both be true. */
  CALC_INPUT_CONTRADICTORY: 'CALC_INPUT_CONTRADICTORY',
  /** The inputs are valid but the formula does not apply to them (e.g. no water deficit). */
  CALC_NOT_APPLICABLE: 'CALC_NOT_APPLICABLE',
  /** A request (a JSONL line, an --inputs object) is not the JSON shape it must be. */
  CALC_REQUEST_INVALID: 'CALC_REQUEST_INVALID',
  /** No encrypted store to keep the history in (no profile folder). */
  CALC_HISTORY_NOT_AVAILABLE: 'CALC_HISTORY_NOT_AVAILABLE',
} as const;

export type CalcErrorCode = keyof typeof CALC_ERRORS;

export class CalcError extends CodedError<CalcErrorCode> {
  override readonly code: CalcErrorCode;
  /** The input the error is about, when there is one. */
  readonly input: string | undefined;

  constructor(code: CalcErrorCode, message: string, input?: string) {
    super(code, message);
    this.code = code;
    this.input = input;
  }
}
