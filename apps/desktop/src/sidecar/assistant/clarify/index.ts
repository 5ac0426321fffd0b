export {
  CLARIFY_SEARCH,
  DEFAULT_CLARIFY,
  detectBroad,
  listWithOr,
  MAX_OPTIONS,
  topicOf,
  type Clarification,
  type ClarifyOption,
  type ClarifyThresholds,
  type RankedHit,
} from './detect.js';
export { resolveReply, type ClarifyReply } from './reply.js';
export { continueWith, type Continuation } from './continue.js';
