/**
 * @voiceassist/phi — isomorphic PHI detection, pseudonymization and redaction. Used by the
 * workstation before anything leaves it (egress guard) and by the sync server as a second guard.
 */
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
  DEFAULT_MODE,
  PHI_MODES,
  PHI_TYPES,
  PhiError,
  type DetectOptions,
  type DetectorSource,
  type PhiErrorCode,
  type PhiMode,
  type PhiSpan,
  type PhiType,
} from './types.js';
export {
  LITERAL_LABEL,
  MemoryVaultStore,
  PLACEHOLDER_LABELS,
  PhiVault,
  type ShiftedDate,
  type VaultEntry,
  type VaultSnapshot,
  type VaultStore,
} from './vault.js';
export {
  pseudonymize,
  redactText,
  reidentify,
  type PseudonymizeOptions,
  type PseudonymizeResult,
} from './pseudonymize.js';
export { luhnValid, ssnValid, ipv4Valid } from './validators.js';
export { normalizeText, type NormalizedText } from './normalize.js';
export { findKnownIdentifiers } from './known.js';
