import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';

/**
 * The renderer↔main bridge as TypeBox schemas (beside contract.ts, which is renderer↔engine): every
 * message that crosses it is checked by whoever receives it (main, the preloads) with `parseBridge`,
 * which returns the value with unknown fields dropped, or null.
 */
export const VOICE_PHASES = [
  'idle',
  'starting',
  'listening',
  'thinking',
  'speaking',
] as const satisfies readonly VoicePhaseReport[];
const MAX_TEXT = 500;
/** One pick feeds one `knowledge.ingest`, so it obeys its limits (main's test checks they agree). */
export const MAX_PICKED_PATHS = 100;
export const MAX_PICKED_PATH_LENGTH = 4096;

const Phase = Type.Union([
  Type.Literal('idle'),
  Type.Literal('starting'),
  Type.Literal('listening'),
  Type.Literal('thinking'),
  Type.Literal('speaking'),
]);
/** dBFS: -160 … 0 with a little headroom for rounding, or null. */
const Level = Type.Union([Type.Null(), Type.Number({ minimum: -200, maximum: 10 })]);
const ShortText = Type.String({ minLength: 1, maxLength: MAX_TEXT });

/** main → window: the global hotkey went down or up (`wallAt`: main's wall clock, ms). */
export const PushToTalkWireSchema = Type.Object({
  type: Type.Union([Type.Literal('down'), Type.Literal('up')]),
  wallAt: Type.Number({ minimum: 0 }),
});

/** window → main: what the turn is doing (no words, no audio: phase and level only). */
export const VoiceReportSchema = Type.Object({ phase: Phase, level: Level, held: Type.Boolean() });

/** main → overlay window. */
export const OverlayStateSchema = Type.Object({ phase: Phase, level: Level });

/** main → window: the global hotkey's status; `error` is a coded, human message. */
export const HotkeyStatusSchema = Type.Object({
  accelerator: ShortText,
  mode: Type.Union([Type.Literal('hold'), Type.Literal('toggle'), Type.Literal('none')]),
  error: Type.Optional(Type.Object({ code: ShortText, message: ShortText })),
});

/** window → main: what the native open dialog picks. */
export const PickKindSchema = Type.Union([Type.Literal('files'), Type.Literal('folder')]);

/** main → window: the picked paths, or a coded failure. */
export const PickReplySchema = Type.Union([
  Type.Object({
    ok: Type.Literal(true),
    value: Type.Array(Type.String({ minLength: 1, maxLength: MAX_PICKED_PATH_LENGTH }), {
      maxItems: MAX_PICKED_PATHS,
    }),
  }),
  Type.Object({
    ok: Type.Literal(false),
    error: Type.Object({ code: ShortText, message: Type.String({ maxLength: MAX_TEXT }) }),
  }),
]);

/**
 * window → main: the clinic's login page for a browser sign-in (identity.signInBrowser), opened in
 * the system browser. https anywhere; plain http only on this machine (a test or local IdP).
 */
export const LoginPageUrlSchema = Type.String({
  minLength: 1,
  maxLength: 4096,
  pattern: '^(https://|http://(127\\.0\\.0\\.1|localhost|\\[::1\\])[:/])',
});

export type PushToTalkWire = Readonly<Static<typeof PushToTalkWireSchema>>;
export type VoicePhaseReport = Static<typeof Phase>;
export type VoiceReport = Readonly<Static<typeof VoiceReportSchema>>;
export type PickKind = Static<typeof PickKindSchema>;

/** The value if it matches `schema` (unknown fields dropped), else null. Never throws. */
export function parseBridge<T extends TSchema>(schema: T, value: unknown): Static<T> | null {
  if (!Value.Check(schema, value)) return null;
  return Value.Clean(schema, Value.Clone(value)) as Static<T>;
}
