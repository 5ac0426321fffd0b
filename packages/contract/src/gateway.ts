import { Type, type Static } from 'typebox';

/**
 * The provider gateway's HTTP/WebSocket API, shared by the sync-server (which validates) and the
 * workstation client. Requests authenticate with `Authorization: Bearer DEVICE_KEY`.
 */
export const GATEWAY_PATHS = {
  /** Liveness, no authentication, no content: the workstation also opens connections with it. */
  health: '/health',
  llmChat: '/v1/llm/chat',
  /** The same route under the name the openai SDK appends to its `baseURL`. */
  llmChatCompletions: '/v1/llm/chat/completions',
  sttLive: '/v1/stt/live',
  ttsStream: '/v1/tts/stream',
  usage: '/v1/usage',
  /** `GET /v1/calls/:requestId`: how a streaming call ended (see CallStatus). */
  calls: '/v1/calls',
  providers: '/v1/providers',
} as const;

/** `GET /v1/calls/:requestId` for one call. */
export const callStatusPath = (requestId: string): string =>
  `${GATEWAY_PATHS.calls}/${encodeURIComponent(requestId)}`;

/** Request header carrying the device key, as `bearer(KEY)`. */
export const AUTHORIZATION_HEADER = 'authorization';
export const bearer = (deviceKey: string): string => `Bearer ${deviceKey}`;
/** Response header naming a streaming call, the key for `GET /v1/calls/:requestId`. */
export const REQUEST_ID_HEADER = 'x-request-id';
/** Response header of LLM and TTS streams: which configured provider answered. */
export const PROVIDER_HEADER = 'x-voiceassist-provider';

/**
 * Every gateway error code, in a JSON body, an SSE `data:` event, a WebSocket message or a call
 * status. The server's error registry covers each (`satisfies`), the workstation's client has a
 * message for each; a client still accepts a code it does not know (a newer server).
 */
export const GATEWAY_ERROR_CODES = [
  'AUTH_REQUIRED',
  'AUTH_INVALID',
  'BAD_REQUEST',
  'PHI_BLOCKED',
  'QUOTA_EXCEEDED',
  'RATE_LIMITED',
  'PROVIDER_NOT_CONFIGURED',
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_TIMEOUT',
  'PROVIDER_ERROR',
  'PROVIDER_STREAM_BROKEN',
  /** A chat sent ahead of its turn's final transcript (AFTER_TRANSCRIPT_HEADER) for another one. */
  'TRANSCRIPT_CHANGED',
  /** Only as a call's outcome: the client hung up before the answer was complete. */
  'CLIENT_CANCELLED',
  'INTERNAL',
] as const;
export type GatewayErrorCode = (typeof GATEWAY_ERROR_CODES)[number];
export const GatewayErrorCode = Type.Enum(GATEWAY_ERROR_CODES);
const GATEWAY_ERROR_CODE_SET: ReadonlySet<string> = new Set(GATEWAY_ERROR_CODES);
export const isGatewayErrorCode = (code: unknown): code is GatewayErrorCode =>
  typeof code === 'string' && GATEWAY_ERROR_CODE_SET.has(code);

/** An error as the gateway sends it (the code is a string: a newer server may add codes). */
export const GatewayError = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
});
export type GatewayError = Static<typeof GatewayError>;

const TextPart = Type.Object({ type: Type.Literal('text'), text: Type.String() });
const ToolCall = Type.Object(
  {
    id: Type.String(),
    type: Type.Literal('function'),
    function: Type.Object({ name: Type.String(), arguments: Type.String() }),
  },
  { additionalProperties: true },
);

/** An OpenAI chat-completions message (text content; tool calls and tool results pass through). */
export const ChatMessage = Type.Object(
  {
    role: Type.Union([
      Type.Literal('system'),
      Type.Literal('developer'),
      Type.Literal('user'),
      Type.Literal('assistant'),
      Type.Literal('tool'),
    ]),
    content: Type.Optional(Type.Union([Type.String(), Type.Array(TextPart), Type.Null()])),
    name: Type.Optional(Type.String()),
    tool_calls: Type.Optional(Type.Array(ToolCall)),
    tool_call_id: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type ChatMessage = Static<typeof ChatMessage>;

/**
 * `POST /v1/llm/chat`: an OpenAI chat-completions request. The server chooses the model (its
 * OPENAI_MODEL); `model` is accepted and ignored. The response is always an SSE stream of
 * chat.completion.chunk objects ending in `data: [DONE]`; a failure after the stream started
 * arrives as `data: {"error":{"code","message"}}` and no `[DONE]`.
 */
export const ChatRequest = Type.Object(
  {
    messages: Type.Array(ChatMessage, { minItems: 1, maxItems: 500 }),
    model: Type.Optional(Type.String()),
    stream: Type.Optional(Type.Literal(true)),
    tools: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown()), { maxItems: 128 })),
    tool_choice: Type.Optional(Type.Unknown()),
    temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 2 })),
    top_p: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    max_tokens: Type.Optional(Type.Integer({ minimum: 1 })),
    max_completion_tokens: Type.Optional(Type.Integer({ minimum: 1 })),
    stop: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
    seed: Type.Optional(Type.Integer()),
    response_format: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);
export type ChatRequest = Static<typeof ChatRequest>;

/**
 * One `data:` event of the `POST /v1/llm/chat` stream: an OpenAI `chat.completion.chunk` as the
 * provider wrote it (only the fields a client reads are described; others pass), or, after a
 * failure mid-stream, a GatewayError. The stream ends with `data: [DONE]` (CHAT_STREAM_DONE).
 */
export const ChatCompletionChunk = Type.Object(
  {
    choices: Type.Array(
      Type.Object(
        {
          index: Type.Optional(Type.Integer()),
          delta: Type.Optional(
            Type.Object(
              {
                content: Type.Optional(Type.Union([Type.String(), Type.Null()])),
                tool_calls: Type.Optional(
                  Type.Array(
                    Type.Object(
                      {
                        index: Type.Optional(Type.Integer()),
                        id: Type.Optional(Type.String()),
                        function: Type.Optional(
                          Type.Object(
                            {
                              name: Type.Optional(Type.String()),
                              arguments: Type.Optional(Type.String()),
                            },
                            { additionalProperties: true },
                          ),
                        ),
                      },
                      { additionalProperties: true },
                    ),
                  ),
                ),
              },
              { additionalProperties: true },
            ),
          ),
          finish_reason: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        },
        { additionalProperties: true },
      ),
    ),
  },
  { additionalProperties: true },
);
export type ChatCompletionChunk = Static<typeof ChatCompletionChunk>;
export const CHAT_STREAM_DONE = '[DONE]';

/**
 * `POST /v1/tts/stream`: audio bytes stream back. A failure after the first byte breaks the
 * connection (the body ends without its terminating chunk, so fetch rejects the read and curl
 * exits 18); its code is then at `GET /v1/calls/{x-request-id}`.
 */
export const TtsRequest = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 5000 }),
    voiceId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
    modelId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' })),
    outputFormat: Type.Optional(Type.String({ pattern: '^(mp3|pcm|ulaw|alaw|opus)_[0-9_]+$' })),
  },
  { additionalProperties: false },
);
export type TtsRequest = Static<typeof TtsRequest>;

/** `GET /v1/calls/:requestId`: a streaming call's state, for the device that made it. */
export const CallStatus = Type.Object({
  requestId: Type.String(),
  kind: Type.Union([Type.Literal('llm'), Type.Literal('stt'), Type.Literal('tts')]),
  provider: Type.String(),
  state: Type.Union([
    Type.Literal('streaming'),
    Type.Literal('ok'),
    Type.Literal('failed'),
    Type.Literal('cancelled'),
  ]),
  error: Type.Optional(Type.Object({ code: GatewayErrorCode, message: Type.String() })),
});
export type CallStatus = Static<typeof CallStatus>;

const CircuitState = Type.Union([
  Type.Literal('closed'),
  Type.Literal('open'),
  Type.Literal('half_open'),
]);
/** One configured provider: names only, never keys or URLs. */
export const ProviderInfo = Type.Object({
  name: Type.String(),
  role: Type.Union([Type.Literal('primary'), Type.Literal('fallback')]),
  /** LLM model, STT model or TTS model id. */
  model: Type.String(),
  voiceId: Type.Optional(Type.String()),
  outputFormat: Type.Optional(Type.String()),
  /** `open`: calls fail fast with PROVIDER_UNAVAILABLE until it recovers. */
  circuit: CircuitState,
});
export type ProviderInfo = Static<typeof ProviderInfo>;
const ProviderKindStatus = Type.Object({
  configured: Type.Boolean(),
  providers: Type.Array(ProviderInfo),
});
/** `GET /v1/providers`: which of llm/stt/tts the server can relay to, and their state. */
export const ProvidersResponse = Type.Object({
  llm: ProviderKindStatus,
  stt: ProviderKindStatus,
  tts: ProviderKindStatus,
});
export type ProvidersResponse = Static<typeof ProvidersResponse>;

/**
 * `GET /v1/stt/live` (WebSocket): the client sends 16 kHz mono 16-bit little-endian PCM as binary
 * frames and control messages as JSON text; the server forwards Deepgram's `Results`
 * (`is_final`, `speech_final`), `UtteranceEnd`, `SpeechStarted` and `Metadata` messages as JSON
 * text, and `{type:'Error', error:{code,message}}` before closing on failure.
 */
export const SttClientMessage = Type.Union([
  Type.Object({ type: Type.Literal('finalize') }),
  Type.Object({ type: Type.Literal('close') }),
  Type.Object({ type: Type.Literal('keepalive') }),
]);
export type SttClientMessage = Static<typeof SttClientMessage>;

/** A transcription result relayed from the provider (Deepgram's `Results`; other fields pass). */
export const SttResults = Type.Object(
  {
    type: Type.Literal('Results'),
    is_final: Type.Optional(Type.Boolean()),
    speech_final: Type.Optional(Type.Boolean()),
    /** The result answering the client's `finalize`: the last of the utterance. */
    from_finalize: Type.Optional(Type.Boolean()),
    channel: Type.Object(
      {
        alternatives: Type.Array(
          Type.Object({ transcript: Type.String() }, { additionalProperties: true }),
        ),
      },
      { additionalProperties: true },
    ),
  },
  { additionalProperties: true },
);
export type SttResults = Static<typeof SttResults>;
/** The gateway's failure message, sent before it closes the socket. */
export const SttErrorMessage = Type.Object({
  type: Type.Literal('Error'),
  error: GatewayError.properties.error,
});
export type SttErrorMessage = Static<typeof SttErrorMessage>;
export const STT_SAMPLE_RATE = 16_000;
/** WebSocket close code when the device key is revoked mid-session. */
export const WS_CLOSE_AUTH_REVOKED = 4401;

export const UsageLine = Type.Object({
  kind: Type.String(),
  provider: Type.String(),
  unit: Type.String(),
  quantity: Type.Number(),
  costUsd: Type.Number(),
});
export const UsageTotals = Type.Object({
  costUsd: Type.Number(),
  requests: Type.Integer(),
  lines: Type.Array(UsageLine),
});
export const UsageResponse = Type.Object({
  period: Type.Union([Type.Literal('day'), Type.Literal('month')]),
  from: Type.String(),
  user: UsageTotals,
  clinic: UsageTotals,
  limits: Type.Object({
    userDailyCostUsd: Type.Union([Type.Number(), Type.Null()]),
    clinicDailyCostUsd: Type.Union([Type.Number(), Type.Null()]),
    userRequestsPerMinute: Type.Union([Type.Integer(), Type.Null()]),
    clinicRequestsPerMinute: Type.Union([Type.Integer(), Type.Null()]),
  }),
});
export type UsageResponse = Static<typeof UsageResponse>;
