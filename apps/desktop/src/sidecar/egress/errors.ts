export type EgressErrorCode =
  | 'EGRESS_UNKNOWN_PROVIDER'
  | 'EGRESS_BLOCKED'
  | 'EGRESS_NO_BAA'
  | 'EGRESS_DESTINATION_DENIED'
  | 'EGRESS_UNPREPARED_PHI'
  | 'EGRESS_BODY_UNSUPPORTED'
  /** A payload too deep or too big to check entirely (JSON limits): refused, not partly scanned. */
  | 'EGRESS_PAYLOAD_TOO_COMPLEX';

/** Coded egress refusal. Messages name the provider and the rule, never the text. */
export class EgressError extends Error {
  override readonly name = 'EgressError';
  constructor(
    readonly code: EgressErrorCode,
    message: string,
  ) {
    super(message);
  }
}
