import { Type, type Static } from 'typebox';

/**
 * Schemas of the voice turn (push-to-talk → transcript → cited answer → speech) as it crosses the
 * renderer ↔ engine boundary. `contract.ts` lists the calls and events that use them.
 *
 * AUDIO ON THE WIRE.
 *   - microphone → engine: binary frames, fire-and-forget (audio-frame.ts: kind, sample format,
 *     turn id, seq, then 16 kHz mono signed 16-bit little-endian PCM, at most 1 s per frame; the
 *     capture worklet sends 512-sample (32 ms) chunks). The engine validates every field and drops
 *     what fails; nothing is answered unless the frame itself is malformed (RPC_MALFORMED).
 *   - engine → renderer (`voice.audio.chunk`): the TTS stream as it arrives, base64 `pcm_s16le`
 *     at `sampleRate` (mono) inside the JSON event, at most 256 KiB of PCM per event — a few
 *     events per sentence, where base64's third more bytes do not matter.
 */

export const MIC_SAMPLE_RATE = 16_000;
export const MAX_TTS_CHUNK_BYTES = 256 * 1024;
export const MAX_TTS_BASE64 = Math.ceil(MAX_TTS_CHUNK_BYTES / 3) * 4;

const Base64 = (maxLength: number) => Type.String({ maxLength, pattern: '^[A-Za-z0-9+/]*={0,2}$' });
const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const Ms = Type.Union([Type.Number({ minimum: 0 }), Type.Null()]);
const Text = (maxLength: number) => Type.String({ maxLength });

/** Which stage of a turn something happened in (errors, timings). */
export const TurnStage = Type.Union([
  Type.Literal('capture'),
  Type.Literal('stt'),
  Type.Literal('phi'),
  Type.Literal('retrieval'),
  Type.Literal('llm'),
  Type.Literal('tts'),
  Type.Literal('turn'),
]);
export type TurnStage = Static<typeof TurnStage>;

/**
 * Per-stage timings of one turn, in milliseconds (null = the stage did not run). Times after the
 * key release are measured from the key release (`turnEnd`); for typed questions from the `ask`.
 *   capture        key-down → key-up (how long the key was held)
 *   sttFinalize    key-up → final transcript
 *   phi            pseudonymizing the question
 *   retrieval      searching the local store
 *   llmFirstToken  LLM request sent → first token (null on the extractive path)
 *   ttsFirstByte   first TTS request sent → its first audio byte
 *   firstAudio     key-up → first audio chunk handed to the renderer (or first sentence for OS voices)
 *   total          key-up → turn finished (last audio chunk sent, or answer complete)
 */
export const StageTimings = Type.Object(
  {
    capture: Ms,
    sttFinalize: Ms,
    phi: Ms,
    retrieval: Ms,
    llmFirstToken: Ms,
    ttsFirstByte: Ms,
    firstAudio: Ms,
    total: Ms,
  },
  { additionalProperties: false },
);
export type StageTimings = Static<typeof StageTimings>;

/** A span of a knowledge document that supports a sentence (see knowledge/answer.ts). */
export const CitationDto = Type.Object(
  {
    chunkId: Type.Integer(),
    documentId: Type.Integer(),
    sourcePath: Text(4096),
    title: Text(1024),
    start: Type.Integer({ minimum: 0 }),
    end: Type.Integer({ minimum: 0 }),
    page: Type.Union([Type.Integer(), Type.Null()]),
    /**
     * Optional: the passage around the cited span, so the UI can show the source text with the
     * span highlighted (`text.slice(spanStart, spanEnd)` is the cited span). Added for the
     * conversation view; the engine fills it when it has the passage (search hit text) at hand.
     */
    passage: Type.Optional(
      Type.Object(
        {
          text: Text(4000),
          spanStart: Type.Integer({ minimum: 0 }),
          spanEnd: Type.Integer({ minimum: 0 }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type CitationDto = Static<typeof CitationDto>;

export const AnswerSentenceDto = Type.Object(
  { text: Text(8192), citations: Type.Array(CitationDto, { maxItems: 32 }) },
  { additionalProperties: false },
);
export type AnswerSentenceDto = Static<typeof AnswerSentenceDto>;

export const TurnError = Type.Object(
  { stage: TurnStage, code: Text(64), message: Text(1024) },
  { additionalProperties: false },
);
export type TurnError = Static<typeof TurnError>;

/** Where a turn's text went when it left the workstation: the AI model, or the cloud voice. */
export const OutboundDto = Type.Object(
  {
    to: Type.Union([Type.Literal('llm'), Type.Literal('tts')]),
    /** Exactly as sent: pseudonymized, never the clinician's identifiers. */
    text: Text(40_000),
  },
  { additionalProperties: false },
);
export type OutboundDto = Static<typeof OutboundDto>;

/**
 * What the turn did with identifiers (#20 "privacy on screen"): how many of each kind were found
 * and replaced (PHI types: NAME, DATE, MRN, …), and every text that left, as it left. Counts
 * and pseudonymized text only, so it may be shown and stored; never logged.
 */
export const TurnPrivacyDto = Type.Object(
  {
    identifiers: Type.Record(
      Type.String({ pattern: '^[A-Z]{2,16}$' }),
      Type.Integer({ minimum: 0 }),
    ),
    outbound: Type.Array(OutboundDto, { maxItems: 80 }),
  },
  { additionalProperties: false },
);
export type TurnPrivacyDto = Static<typeof TurnPrivacyDto>;

/**
 * A finished (or abandoned) turn as stored in the encrypted store. `status`:
 *   complete   transcript, answer and (if configured) speech all delivered
 *   partial    something failed (see `errors`); what was obtained is kept
 *   cancelled  barge-in or an explicit cancel stopped it
 *   failed     nothing useful came out (e.g. no transcript)
 */
export const TurnRecordDto = Type.Object(
  {
    id: Id,
    conversationId: Id,
    startedAt: Text(40),
    mode: Type.Union([Type.Literal('voice'), Type.Literal('text')]),
    status: Type.Union([
      Type.Literal('complete'),
      Type.Literal('partial'),
      Type.Literal('cancelled'),
      Type.Literal('failed'),
    ]),
    transcript: Text(20_000),
    answer: Text(50_000),
    sentences: Type.Array(AnswerSentenceDto, { maxItems: 64 }),
    /** False when the sources do not cover the question (the answer then says so). */
    covered: Type.Boolean(),
    /** `extractive@1` or `llm:<provider>` — which path wrote the answer. */
    generator: Text(128),
    /** `gateway` (cloud TTS audio sent), `os` (renderer speaks with speechSynthesis), `none`. */
    speech: Type.Union([
      Type.Literal('gateway'),
      Type.Literal('on-device'),
      Type.Literal('os'),
      Type.Literal('none'),
    ]),
    timings: StageTimings,
    errors: Type.Array(TurnError, { maxItems: 16 }),
    /** Absent in turns stored before it was recorded. */
    privacy: Type.Optional(TurnPrivacyDto),
  },
  { additionalProperties: false },
);
export type TurnRecordDto = Static<typeof TurnRecordDto>;

export const ProviderAvailability = Type.Union([
  Type.Literal('ready'),
  Type.Literal('not-configured'),
  Type.Literal('unavailable'),
  Type.Literal('unknown'),
]);
export type ProviderAvailability = Static<typeof ProviderAvailability>;

export const VoiceStatusDto = Type.Object(
  {
    /** The sync server is set (VOICEASSIST_SERVER_URL) and a device key is present. */
    server: Type.Union([Type.Literal('configured'), Type.Literal('not-configured')]),
    stt: ProviderAvailability,
    llm: ProviderAvailability,
    tts: ProviderAvailability,
    /** User speech while the app speaks interrupts it. */
    bargeIn: Type.Boolean(),
    /** Microphone audio of turns is written to the profile's recordings folder. Off by default. */
    recording: Type.Boolean(),
    /** A clinician-readable line on what works and what is degraded. */
    detail: Text(1024),
  },
  { additionalProperties: false },
);
export type VoiceStatusDto = Static<typeof VoiceStatusDto>;

export const TurnRef = Type.Object(
  { turnId: Id, conversationId: Id },
  { additionalProperties: false },
);
export type TurnRef = Static<typeof TurnRef>;

export const ConversationSummaryDto = Type.Object(
  {
    id: Id,
    title: Text(200),
    createdAt: Text(40),
    updatedAt: Text(40),
    turns: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type ConversationSummaryDto = Static<typeof ConversationSummaryDto>;

// ---- call inputs ------------------------------------------------------------------------------

export const TurnStartInput = Type.Object(
  {
    /** Continue this conversation (its PHI vault, its history); omitted = a new conversation. */
    conversationId: Type.Optional(Id),
  },
  { additionalProperties: false },
);

export const AskInput = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 4000 }),
    conversationId: Type.Optional(Id),
    /** Speak the answer (TTS or OS voices) as for a voice turn. Default false. */
    speak: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const PlaybackInput = Type.Object(
  {
    turnId: Id,
    /** `playing` when chunk `seq` starts playing (the engine feeds it to the echo canceller and
     * arms barge-in); `ended` when playback drained; `stopped` when the renderer stopped it. */
    state: Type.Union([Type.Literal('playing'), Type.Literal('ended'), Type.Literal('stopped')]),
    seq: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export const CancelInput = Type.Object(
  {
    turnId: Type.Optional(Id),
    /** `key`: the hotkey was pressed again; `user`: a stop button. */
    reason: Type.Union([Type.Literal('key'), Type.Literal('user')]),
  },
  { additionalProperties: false },
);

export const ConfigureInput = Type.Object(
  { bargeIn: Type.Optional(Type.Boolean()), recording: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

// ---- events -----------------------------------------------------------------------------------

/** What the overlay shows. `level` is the input RMS in dBFS while listening (null otherwise). */
export const VoiceStateEvent = Type.Object(
  {
    turnId: Type.Union([Id, Type.Null()]),
    state: Type.Union([
      Type.Literal('idle'),
      Type.Literal('listening'),
      Type.Literal('thinking'),
      Type.Literal('speaking'),
    ]),
    level: Type.Union([Type.Number(), Type.Null()]),
  },
  { additionalProperties: false },
);

export const TranscriptEvent = Type.Object(
  { turnId: Id, text: Text(20_000), final: Type.Boolean() },
  { additionalProperties: false },
);

export const AnswerSentenceEvent = Type.Object(
  {
    turnId: Id,
    index: Type.Integer({ minimum: 0 }),
    sentence: AnswerSentenceDto,
    generator: Text(128),
  },
  { additionalProperties: false },
);

export const AudioChunkEvent = Type.Object(
  {
    turnId: Id,
    /** 0, 1, 2 … per turn, in playback order. */
    seq: Type.Integer({ minimum: 0 }),
    /** The answer sentence this audio speaks. */
    sentence: Type.Integer({ minimum: 0 }),
    format: Type.Literal('pcm_s16le'),
    sampleRate: Type.Integer({ minimum: 8000, maximum: 48_000 }),
    pcm: Base64(MAX_TTS_BASE64),
  },
  { additionalProperties: false },
);

/** No cloud TTS: the renderer speaks `text` with `speechSynthesis` (OS voices). */
export const SpeakEvent = Type.Object(
  { turnId: Id, sentence: Type.Integer({ minimum: 0 }), text: Text(8192) },
  { additionalProperties: false },
);

/** Stop playing this turn's audio NOW and drop what is queued (barge-in, cancel, failure). */
export const StopPlaybackEvent = Type.Object(
  {
    turnId: Id,
    reason: Type.Union([
      Type.Literal('barge-in-key'),
      Type.Literal('barge-in-speech'),
      Type.Literal('cancel'),
      Type.Literal('error'),
    ]),
  },
  { additionalProperties: false },
);

export const TurnErrorEvent = Type.Object(
  { turnId: Id, error: TurnError },
  { additionalProperties: false },
);

export const TurnDoneEvent = Type.Object({ turn: TurnRecordDto }, { additionalProperties: false });
