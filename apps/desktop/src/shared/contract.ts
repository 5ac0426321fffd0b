import { Type, type Static, type TSchema } from 'typebox';
import { SettingsDto, SettingsPatch } from './settings.js';
import { AssistantCommandEvent, AssistantPromptEvent } from './assistant-front.js';
import { ConversationId, ConversationRenameInput, EgressAuditSummaryDto } from './privacy.js';
import {
  AnswerSentenceEvent,
  AskInput,
  AudioChunkEvent,
  CancelInput,
  ConfigureInput,
  ConversationSummaryDto,
  PlaybackInput,
  SpeakEvent,
  StopPlaybackEvent,
  TranscriptEvent,
  TurnDoneEvent,
  TurnErrorEvent,
  TurnRecordDto,
  TurnRef,
  TurnStartInput,
  VoiceStateEvent,
  VoiceStatusDto,
} from './voice-turn.js';
import { ConfirmTranscriptEvent, ConfirmTranscriptInput, SpeechCapabilitiesDto } from './speech.js';
import {
  DocumentInput,
  DocumentOutput,
  ReindexInput,
  RemoveInput,
  RemoveOutput,
  UploadInput,
  UploadOutput,
  IngestInput,
  IngestStarted,
  KbAnswerOutput,
  KbAskInput,
  PassageInput,
  PassageOutput,
  ProgressEvent,
  SearchInput,
  SearchOutput,
  SourcesOutput,
} from './knowledge.js';
import {
  BrowserSignInStarted,
  Empty as IdentityEmpty,
  IdentityState,
  PasswordSignInInput,
} from './identity.js';
import {
  CalcEvaluationDto,
  CalcHistoryEntryDto,
  CalcHistoryInput,
  CalcParseInput,
  CalcParseOutput,
  CalcRunInput,
  CalcSummaryDto,
} from './calculators.js';
import {
  CalendarStatusDto,
  ConfirmInput as CalendarConfirmInput,
  ConfirmOutput as CalendarConfirmOutput,
  DiscardQueuedInput as CalendarDiscardQueuedInput,
  EventsInput as CalendarEventsInput,
  EventsOutput as CalendarEventsOutput,
  PrepareInput as CalendarPrepareInput,
  PrepareOutput as CalendarPrepareOutput,
} from './calendar.js';

/**
 * THE contract between renderer and sidecar: every call (input → output) and every event. Both
 * transports (Electron MessagePort, web-mode WebSocket) carry exactly this; the receiving side
 * validates against these schemas. A feature adds a call with ONE entry in `CALLS` (and the sidecar
 * then fails to typecheck until it implements the handler), or an event with one entry in `EVENTS`.
 */

const Detail = Type.String({ maxLength: 1024 });

/** A local component (encrypted store, models) that may not exist yet in this release. */
export const ComponentStatus = Type.Object(
  {
    status: Type.Union([
      Type.Literal('ready'),
      Type.Literal('not-ready'),
      Type.Literal('error'),
      Type.Literal('not-configured'),
    ]),
    detail: Detail,
  },
  { additionalProperties: false },
);
export type ComponentStatus = Static<typeof ComponentStatus>;

/** The sync server as the sidecar sees it. The renderer never talks to the server itself. */
export const ServerStatus = Type.Object(
  {
    url: Type.Union([Type.String({ maxLength: 2048 }), Type.Null()]),
    status: Type.Union([
      Type.Literal('ready'),
      Type.Literal('not-ready'),
      Type.Literal('unreachable'),
      Type.Literal('not-configured'),
    ]),
    detail: Detail,
  },
  { additionalProperties: false },
);
export type ServerStatus = Static<typeof ServerStatus>;

export const Health = Type.Object(
  {
    version: Type.String({ maxLength: 64 }),
    uptimeSeconds: Type.Number({ minimum: 0 }),
    store: ComponentStatus,
    models: ComponentStatus,
    server: ServerStatus,
  },
  { additionalProperties: false },
);
export type Health = Static<typeof Health>;

interface CallSpec {
  readonly input: TSchema;
  readonly output: TSchema;
  /** One line for logs and docs: what the call does. */
  readonly summary: string;
}

export const CALLS = {
  health: {
    summary: 'Engine version, uptime and the status of store, models and sync server.',
    input: Type.Object({ refresh: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
    output: Health,
  },
  ping: {
    summary: 'Round trip check; echoes the text.',
    input: Type.Object({ text: Type.String({ maxLength: 256 }) }, { additionalProperties: false }),
    output: Type.Object({ text: Type.String() }, { additionalProperties: false }),
  },
  // ---- the voice turn (shared/voice-turn.ts explains audio framing and timings) ----
  'voice.status': {
    summary:
      'What voice can do now: server configured, STT/LLM/TTS availability (from the gateway), barge-in and recording settings, one line on what is degraded.',
    input: Type.Object({ refresh: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
    output: VoiceStatusDto,
  },
  'voice.configure': {
    summary:
      'Turns barge-in by speech and recording (microphone audio written to disk, off by default) on or off; returns the new status.',
    input: ConfigureInput,
    output: VoiceStatusDto,
  },
  'voice.turnStart': {
    summary:
      'Key-down: stops any playback (barge-in by key, cancelling in-flight LLM/TTS of the previous turn) and opens the STT stream. Fails with VOICE_STT_NOT_CONFIGURED / VOICE_SERVER_NOT_CONFIGURED (typed questions still work through assistant.ask).',
    input: TurnStartInput,
    output: TurnRef,
  },
  // Microphone audio while the key is held is not a call: binary frames, fire-and-forget, one per
  // 32 ms capture chunk (shared/audio-frame.ts; RpcClient.sendAudio). Echo-cancelled and
  // VAD-scored in the engine, streamed to STT while the key is held; while the turn speaks and
  // barge-in is on, keep sending: the audio is then only checked for the user talking over it.
  'voice.turnEnd': {
    summary:
      'Key-up = end of the utterance: STT finalize, then transcript → PHI → cited answer → speech, reported through voice.* events; resolves at once.',
    input: TurnRef,
    output: TurnRef,
  },
  'voice.cancel': {
    summary:
      'Stops the current (or given) turn: playback stops (voice.stopPlayback), in-flight STT/LLM/TTS are aborted; the turn is saved as cancelled with what was obtained.',
    input: CancelInput,
    output: Type.Object({ cancelled: Type.Boolean() }, { additionalProperties: false }),
  },
  'voice.playback': {
    summary:
      'Renderer playback progress of TTS chunks: feeds the played audio to the echo canceller and arms speech barge-in while the app speaks.',
    input: PlaybackInput,
    output: Type.Object({}, { additionalProperties: false }),
  },
  'speech.capabilities': {
    summary:
      'Which speech paths work (on-device recognisers and voices, the server’s cloud ones, the OS voices), the path Hold to talk will take and the one sentence the Talk control shows; refresh looks at the machine again.',
    input: Type.Object({ refresh: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
    output: SpeechCapabilitiesDto,
  },
  'voice.confirm': {
    summary:
      'The transcript shown by voice.confirm, confirmed as is or corrected by typing: the turn answers this text. accepted: false when the turn is no longer waiting (cancel it with voice.cancel).',
    input: ConfirmTranscriptInput,
    output: Type.Object({ accepted: Type.Boolean() }, { additionalProperties: false }),
  },
  'assistant.ask': {
    summary:
      'A typed question: same pipeline as a voice turn after the transcript (PHI, cited answer, optionally speech); results arrive as voice.* events for the returned turn.',
    input: AskInput,
    output: TurnRef,
  },
  'conversations.list': {
    summary: 'Stored conversations, newest first.',
    input: Type.Object(
      { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) },
      { additionalProperties: false },
    ),
    output: Type.Array(ConversationSummaryDto),
  },
  'conversations.turns': {
    summary:
      'Turns of one conversation (or the most recent turns of all, for the diagnostics histogram) with transcript, cited answer and stage timings.',
    input: Type.Object(
      {
        conversationId: Type.Optional(Type.String({ maxLength: 64 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
      },
      { additionalProperties: false },
    ),
    output: Type.Array(TurnRecordDto),
  },
  'conversations.rename': {
    summary: 'Gives a stored conversation a title of the clinician’s choosing.',
    input: ConversationRenameInput,
    output: Type.Object({ renamed: Type.Boolean() }, { additionalProperties: false }),
  },
  'conversations.delete': {
    summary:
      'Deletes a stored conversation with its turns and its PHI vault (the pseudonym mapping).',
    input: Type.Object({ conversationId: ConversationId }, { additionalProperties: false }),
    output: Type.Object({ deleted: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
  },
  'privacy.audit': {
    summary:
      'Counts from the egress audit log: requests sent and refused, identifiers replaced by kind, per destination; retention policy and when it last ran. Counts only.',
    input: Type.Object({}, { additionalProperties: false }),
    output: EgressAuditSummaryDto,
  },
  // ---- the Knowledge view (shared/knowledge.ts) ----
  'knowledge.ingest': {
    summary:
      'Adds local files/folders (paths the engine reads) to the encrypted store; resolves once started, progress and per-file errors arrive as knowledge.progress. Fails with KB_BUSY while a run is going, KB_PATH_INVALID, STORE_* when the store cannot open.',
    input: IngestInput,
    output: IngestStarted,
  },
  'knowledge.cancelIngest': {
    summary: 'Stops the running ingestion after the current document; finished documents stay.',
    input: Type.Object({}, { additionalProperties: false }),
    output: Type.Object({ cancelled: Type.Boolean() }, { additionalProperties: false }),
  },
  'knowledge.sources': {
    summary:
      'Documents in the store (title, path, chunks) plus the files the last run could not add, with the reason.',
    input: Type.Object({}, { additionalProperties: false }),
    output: SourcesOutput,
  },
  'knowledge.search': {
    summary: 'Hybrid search over the store: chunks with title, path, page, offsets and score.',
    input: SearchInput,
    output: SearchOutput,
  },
  'knowledge.ask': {
    summary:
      'A cited answer from the store: sentences with (document, start, end) citations, or covered: false with the nearest sources.',
    input: KbAskInput,
    output: KbAnswerOutput,
  },
  'knowledge.passage': {
    summary:
      'The source text around a cited span (by documentId or sourcePath), for showing it highlighted. KB_NOT_FOUND when the document is gone.',
    input: PassageInput,
    output: PassageOutput,
  },
  'knowledge.remove': {
    summary:
      'Removes documents (with their chunks and vectors) from the store; the files on disk are not touched.',
    input: RemoveInput,
    output: RemoveOutput,
  },
  'knowledge.reindex': {
    summary:
      'Reads the documents again from their files and re-adds them; progress as knowledge.progress. KB_PATH_NOT_FOUND when a file is gone, KB_BUSY while a run is going.',
    input: ReindexInput,
    output: IngestStarted,
  },
  'knowledge.upload': {
    summary:
      'A file given by content (drag and drop, browser file input), in base64 pieces; kept in the profile, whose path the last piece returns for knowledge.ingest.',
    input: UploadInput,
    output: UploadOutput,
  },
  'knowledge.document': {
    summary: 'The whole text of a stored document, for reading a cited source in full.',
    input: DocumentInput,
    output: DocumentOutput,
  },
  // ---- workstation settings (shared/settings.ts), kept in the profile ----
  'settings.get': {
    summary:
      'The clinician’s workstation settings (microphone, push-to-talk key, voice, text size…).',
    input: Type.Object({}, { additionalProperties: false }),
    output: SettingsDto,
  },
  'settings.set': {
    summary: 'Changes some settings and returns all of them; kept in the profile folder.',
    input: SettingsPatch,
    output: SettingsDto,
  },
  // ---- signing in (shared/identity.ts) ----
  'identity.state': {
    summary:
      'Who is signed in, how one can sign in (browser, password), the idle policy, and why the last session ended.',
    input: IdentityEmpty,
    output: IdentityState,
  },
  'identity.signInBrowser': {
    summary:
      "Starts OIDC sign-in (code + PKCE, loopback redirect): returns the clinic login page's URL to open in the system browser; the outcome arrives as identity.changed.",
    input: IdentityEmpty,
    output: BrowserSignInStarted,
  },
  'identity.cancelSignIn': {
    summary: 'Stops waiting for a browser sign-in.',
    input: IdentityEmpty,
    output: Type.Object({ cancelled: Type.Boolean() }, { additionalProperties: false }),
  },
  'identity.signInPassword': {
    summary:
      'Signs in with a local account (password, then the authenticator code or a recovery code when asked: AUTH_MFA_REQUIRED; a new password when AUTH_PASSWORD_CHANGE_REQUIRED).',
    input: PasswordSignInInput,
    output: IdentityState,
  },
  'identity.signOut': {
    summary: 'Ends the session on the server and forgets it on this workstation.',
    input: IdentityEmpty,
    output: IdentityState,
  },
  'identity.lock': {
    summary:
      'Locks the workstation now (the session ends; signing in again unlocks it), as the idle timer does.',
    input: IdentityEmpty,
    output: IdentityState,
  },
  'identity.activity': {
    summary: 'The person is using the workstation (keys, pointer): restarts the idle timer.',
    input: IdentityEmpty,
    output: IdentityEmpty,
  },
  // ---- the Calculators view (shared/calculators.ts) ----
  'calc.list': {
    summary: 'Every calculator: inputs with units, ranges and options, and its published source.',
    input: Type.Object({}, { additionalProperties: false }),
    output: Type.Array(CalcSummaryDto),
  },
  'calc.run': {
    summary:
      'Runs a calculator on the given inputs (each with its provenance) in the engine: the result with interpretation and source (kept in the history), or the questions for what is missing/ambiguous, or a coded error; never a number from invalid inputs.',
    input: CalcRunInput,
    output: CalcEvaluationDto,
  },
  'calc.parse': {
    summary:
      'Reads a typed or spoken request ("CKD-EPI for creatinine 1.4, 67-year-old woman") into a calculator and its inputs, for the form.',
    input: CalcParseInput,
    output: CalcParseOutput,
  },
  'calc.history': {
    summary: 'Results calculated on this workstation, newest first, from the encrypted store.',
    input: CalcHistoryInput,
    output: Type.Array(CalcHistoryEntryDto),
  },
  // ---- the Calendar view (shared/calendar.ts): the person's Nextcloud calendar via the server ----
  'calendar.status': {
    summary:
      'Whether Nextcloud is set up for this workstation and the person connected (the Calendar view is offered only then), and the time zone used.',
    input: Type.Object({ refresh: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
    output: CalendarStatusDto,
  },
  'calendar.events': {
    summary:
      'Occurrences in [from, to) with recurrences expanded, and the changes waiting in the outbox (queued changes are written first when Nextcloud is reachable). A read failure comes back as `error` with the queue still listed.',
    input: CalendarEventsInput,
    output: CalendarEventsOutput,
  },
  'calendar.prepare': {
    summary:
      'Understands "add…", "move…" or "cancel…" (or an edit/cancel chosen in the view, or a queued change) into a confirmation card; writes nothing. ambiguous: which event; changed: it changed in Nextcloud since it was shown.',
    input: CalendarPrepareInput,
    output: CalendarPrepareOutput,
  },
  'calendar.confirm': {
    summary:
      'Writes (confirm: true) or drops a prepared card: written, queued (offline, written later), or changed (412: nothing written, the event as it is now).',
    input: CalendarConfirmInput,
    output: CalendarConfirmOutput,
  },
  'calendar.discardQueued': {
    summary: 'Drops a change waiting in the outbox (never written).',
    input: CalendarDiscardQueuedInput,
    output: Type.Object({ discarded: Type.Boolean() }, { additionalProperties: false }),
  },
} as const satisfies Readonly<Record<string, CallSpec>>;

export const EVENTS = {
  /** Pushed whenever the health summary changes (server comes up, goes away...). */
  'health.changed': Health,
  /**
   * What voice can do changed (the server's GET /v1/providers answered differently, or it became
   * (un)reachable): the same shape as `voice.status`, so the Talk control can say it before use.
   */
  'voice.status.changed': VoiceStatusDto,
  /** What speech can do changed (speech.capabilities): the Talk control's sentence, Diagnostics' rows. */
  'speech.capabilities.changed': SpeechCapabilitiesDto,
  /** A final transcript to confirm (Enter) or correct before it is answered (voice.confirm call). */
  'voice.confirm': ConfirmTranscriptEvent,
  /** Overlay state: idle / listening (with input level) / thinking / speaking. */
  'voice.state': VoiceStateEvent,
  /** Interim (final: false) and final transcripts of a voice turn. */
  'voice.transcript': TranscriptEvent,
  /** One answer sentence with its citations, as soon as it is complete. */
  'voice.answer': AnswerSentenceEvent,
  /** TTS audio as it arrives (pcm_s16le at sampleRate); play in seq order. */
  'voice.audio.chunk': AudioChunkEvent,
  /** No cloud TTS configured: speak this sentence with speechSynthesis (OS voices). */
  'voice.speak': SpeakEvent,
  /** Stop playback of the turn immediately and drop queued audio / utterances. */
  'voice.stopPlayback': StopPlaybackEvent,
  /** A clear, coded message for the person (within 2 s of the failure); the app keeps working. */
  'voice.error': TurnErrorEvent,
  /** The turn is over (complete, partial, cancelled or failed) and saved: the full record. */
  'voice.turnDone': TurnDoneEvent,
  /** The assistant asked back or said what it can do (options as buttons; a reply continues). */
  'assistant.prompt': AssistantPromptEvent,
  /** A command said or typed was carried out; `open` shows a view. */
  'assistant.command': AssistantCommandEvent,
  /** Ingestion progress of the Knowledge view: files, chunks, ETA, current file, per-file errors. */
  'knowledge.progress': ProgressEvent,
  /** Sign-in state changed (signed in or out, locked, refresh failed for good). */
  'identity.changed': IdentityState,
} as const satisfies Readonly<Record<string, TSchema>>;

export type CallName = keyof typeof CALLS;
export type CallInput<N extends CallName> = Static<(typeof CALLS)[N]['input']>;
export type CallOutput<N extends CallName> = Static<(typeof CALLS)[N]['output']>;
export type EventName = keyof typeof EVENTS;
export type EventPayload<N extends EventName> = Static<(typeof EVENTS)[N]>;

export const isCallName = (name: string): name is CallName => Object.hasOwn(CALLS, name);
export const isEventName = (name: string): name is EventName => Object.hasOwn(EVENTS, name);
