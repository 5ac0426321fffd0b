import { Type, type Static } from 'typebox';

/**
 * Privacy you can see (#20): conversation housekeeping and the egress audit's counts, as they
 * cross the renderer ↔ engine boundary. Counts and ids only: no identifier ever travels here.
 */
export const ConversationId = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9_-]+$',
});

export const ConversationRenameInput = Type.Object(
  { conversationId: ConversationId, title: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export type ConversationRenameInput = Static<typeof ConversationRenameInput>;

const Count = Type.Integer({ minimum: 0 });
/** PHI types (NAME, DATE, MRN…) → how many. */
const ByType = Type.Record(Type.String({ pattern: '^[A-Z]{2,16}$' }), Count);

export const EgressAuditSummaryDto = Type.Object(
  {
    /** False when the engine has no profile (nothing was ever sent or recorded). */
    available: Type.Boolean(),
    /** ISO time of the oldest record counted; null when there are none. */
    since: Type.Union([Type.String({ maxLength: 40 }), Type.Null()]),
    /** Requests and messages that left the workstation. */
    sent: Count,
    /** Requests the egress guard refused (wrong destination, policy, identifiers left in). */
    blocked: Count,
    /** Identifiers replaced by placeholders before text left, by type. */
    pseudonymized: ByType,
    /** Identifiers found still present in a refused payload, by type (those never left). */
    refusedIdentifiers: ByType,
    /** Per destination (provider id: `gateway-llm`, `gateway-tts`…): sent and refused. */
    byProvider: Type.Array(
      Type.Object(
        { provider: Type.String({ maxLength: 64 }), sent: Count, blocked: Count },
        { additionalProperties: false },
      ),
      { maxItems: 32 },
    ),
    /** Conversation retention: the policy in days, and the last expiry run (ISO) with its count. */
    retention: Type.Object(
      {
        days: Type.Integer({ minimum: 1 }),
        lastRun: Type.Union([Type.String({ maxLength: 40 }), Type.Null()]),
        lastDeleted: Count,
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type EgressAuditSummaryDto = Static<typeof EgressAuditSummaryDto>;
