/** The calculators' public surface for the rest of the engine (turn, RPC, CLI). */
export {
  evaluate,
  formatSource,
  roundTo,
  type CalcResult,
  type Evaluation,
  type Question,
  type RawInput,
  type RawInputs,
  type ResolvedInput,
} from './engine.js';
export { CALC_ERRORS, CalcError, type CalcErrorCode } from './errors.js';
export { fromToolArguments, toolFor } from './llm.js';
export { findCalculator, matchCalculator, type CalculatorMatch } from './match.js';
export { fromMedcalc, MEDCALC_NAMES } from './medcalc.js';
export { CALCULATORS, getCalculator, summarize, type CalculatorSummary } from './registry.js';
export { toSpeech } from './speech.js';
export type { CalculatorDef, InputDef, Provenance, Source } from './types.js';
export {
  answer,
  understand,
  withInputs,
  type CalcRequest,
  type Understanding,
} from './understand.js';
