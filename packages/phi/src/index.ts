export {
  countByType,
  detectPhi,
  detectCandidates,
  mergeCandidates,
  DEFAULT_DISABLED,
} from './detect.js';
export type { Candidate } from './candidate.js';
export {
  DEFAULT_MAX_LENGTH,
  PHI_TYPES,
  PhiError,
  type DetectOptions,
  type DetectorSource,
  type PhiErrorCode,
  type PhiSpan,
  type PhiType,
} from './types.js';
