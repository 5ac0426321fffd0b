import { Type, type Static } from 'typebox';

/**
 * Schemas of on-device speech as it crosses the renderer ↔ engine boundary: what can recognise
 * and speak on this workstation (so the Talk control says what will happen before it is pressed),
 * and the confirmation of a transcript a recogniser is not sure enough of. `contract.ts` lists the
 * calls and events that use them; the receiving side validates against them.
 */

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const Text = (maxLength: number) => Type.String({ maxLength });

/** One way speech could be recognised or spoken, for the Talk control and Diagnostics. */
export const SpeechPathDto = Type.Object(
  {
    kind: Type.Union([Type.Literal('stt'), Type.Literal('tts')]),
    /** `pocketsphinx`, `sherpa-streaming`, `espeak-ng`, `cloud`, `os-voice`… */
    id: Id,
    label: Text(200),
    where: Type.Union([
      Type.Literal('on-device'),
      Type.Literal('server'),
      Type.Literal('renderer'),
    ]),
    available: Type.Boolean(),
    /** Why not, in one sentence a person can act on; null when available. */
    reason: Type.Union([Text(512), Type.Null()]),
  },
  { additionalProperties: false },
);
export type SpeechPathDto = Static<typeof SpeechPathDto>;

/** One provider the sync server relays to, as its `GET /v1/providers` last said (no keys, no URLs). */
export const ServerProviderDto = Type.Object(
  {
    kind: Type.Union([Type.Literal('llm'), Type.Literal('stt'), Type.Literal('tts')]),
    name: Text(200),
    role: Type.Union([Type.Literal('primary'), Type.Literal('fallback')]),
    /** `open`: the server fails calls fast until the provider recovers. */
    circuit: Type.Union([Type.Literal('closed'), Type.Literal('open'), Type.Literal('half_open')]),
  },
  { additionalProperties: false },
);
export type ServerProviderDto = Static<typeof ServerProviderDto>;

export const SpeechCapabilitiesDto = Type.Object(
  {
    /** What Hold to talk will do: which path, and the one sentence the Talk control shows. */
    talk: Type.Object(
      {
        enabled: Type.Boolean(),
        path: Type.Union([Type.Literal('cloud'), Type.Literal('on-device'), Type.Literal('none')]),
        /** Recogniser used on this workstation (on-device path), else null. */
        recogniser: Type.Union([Id, Type.Null()]),
        /** Its transcripts are shown for confirmation before they are answered. */
        confirms: Type.Boolean(),
        sentence: Text(512),
      },
      { additionalProperties: false },
    ),
    /** Where spoken answers come from: `cloud`, `sherpa-vits`, `espeak-ng`, `os-voice`, `text-only`. */
    speech: Id,
    policy: Type.Union([
      Type.Literal('on-device-only'),
      Type.Literal('cloud-with-fallback'),
      Type.Literal('cloud-only'),
    ]),
    paths: Type.Array(SpeechPathDto, { maxItems: 16 }),
    /** The server's providers and circuits (absent before the server has been asked). */
    providers: Type.Optional(Type.Array(ServerProviderDto, { maxItems: 16 })),
  },
  { additionalProperties: false },
);
export type SpeechCapabilitiesDto = Static<typeof SpeechCapabilitiesDto>;

/**
 * The final transcript of a voice turn that must be confirmed (basic-accuracy recogniser, or low
 * confidence) before anything is answered: shown with Enter to confirm or a field to correct it.
 */
export const ConfirmTranscriptEvent = Type.Object(
  {
    turnId: Id,
    text: Text(20_000),
    recogniser: Id,
    accuracy: Type.Union([Type.Literal('basic'), Type.Literal('standard')]),
    /** Mean word posterior in [0, 1]; null when the recogniser gives none. */
    confidence: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()]),
  },
  { additionalProperties: false },
);
export type ConfirmTranscriptEvent = Static<typeof ConfirmTranscriptEvent>;

export const ConfirmTranscriptInput = Type.Object(
  {
    turnId: Id,
    /** The transcript as shown (confirmed) or as corrected by typing. */
    text: Type.String({ minLength: 1, maxLength: 4000 }),
  },
  { additionalProperties: false },
);
export type ConfirmTranscriptInput = Static<typeof ConfirmTranscriptInput>;
