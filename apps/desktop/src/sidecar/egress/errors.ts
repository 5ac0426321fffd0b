import { CodedError, type CodeOf } from '../../shared/errors.js';

export type EgressErrorCode = CodeOf<'egress'>;

/** Coded egress refusal. Messages name the provider and the rule, never the text. */
export class EgressError extends CodedError<EgressErrorCode> {
  override readonly name = 'EgressError';
}
