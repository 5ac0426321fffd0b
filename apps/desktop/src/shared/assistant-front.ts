import { Type, type Static } from 'typebox';

/**
 * Events of the assistant's first decision in a turn (sidecar/assistant/front): a question it
 * asks back with its options (shown as buttons; the reply, clicked or said, continues the same
 * request), and app commands said or typed ("open the calculators", "stop", "repeat that").
 */
const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

export const FrontIntent = Type.Union([
  Type.Literal('knowledge'),
  Type.Literal('calculator'),
  Type.Literal('calendar'),
  Type.Literal('dictation'),
  Type.Literal('files'),
  Type.Literal('command'),
]);

/** What the assistant said instead of answering from the sources; `awaiting`: it asked. */
export const AssistantPromptEvent = Type.Object(
  {
    turnId: Id,
    conversationId: Id,
    intent: FrontIntent,
    text: Type.String({ maxLength: 8192 }),
    /** Replies to offer as buttons (a click sends the label as the next turn's text). */
    options: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 8 }),
    awaiting: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type AssistantPromptEvent = Static<typeof AssistantPromptEvent>;

export const OpenableViewDto = Type.Union([
  Type.Literal('ask'),
  Type.Literal('knowledge'),
  Type.Literal('calculators'),
  Type.Literal('calendar'),
  Type.Literal('files'),
  Type.Literal('diagnostics'),
  Type.Literal('settings'),
]);

/** An app command the turn carried out; `open` asks the window to show `view`. */
export const AssistantCommandEvent = Type.Object(
  {
    turnId: Id,
    command: Type.Union([Type.Literal('stop'), Type.Literal('repeat'), Type.Literal('open')]),
    view: Type.Optional(OpenableViewDto),
  },
  { additionalProperties: false },
);
export type AssistantCommandEvent = Static<typeof AssistantCommandEvent>;
