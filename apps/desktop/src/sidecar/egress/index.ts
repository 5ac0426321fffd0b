export {
  EgressGuard,
  type EgressGuardOptions,
  type GuardedSocket,
  type PreparedText,
  type PreparePartsInput,
  type PrepareTextInput,
  type TextPart,
  type RequestContext,
} from './guard.js';
export { EgressError, type EgressErrorCode } from './errors.js';
export {
  DEFAULT_POLICY,
  decide,
  type DataKind,
  type Decision,
  type EgressAction,
  type ProviderConfig,
  type ProviderKind,
} from './policy.js';
export {
  JsonlFileAuditSink,
  MemoryAuditSink,
  type AuditSink,
  type EgressAuditRecord,
} from './audit.js';
export { phiRedactingStream, redactLogValue, type LogSink } from './log-redaction.js';
