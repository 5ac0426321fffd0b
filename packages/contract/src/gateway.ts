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
 * status. The server's error registry `satisfies` exactly these (a code cannot be sent
 * unregistered, nor registered without being here); the workstation's error registry has a
 * message for each. A client still accepts a code it does not know (a newer server).
 */
export const GATEWAY_ERROR_CODES = [
  'AUTH_REQUIRED',
  'AUTH_INVALID',
  'BAD_REQUEST',
  'NOT_FOUND',
  /** The path exists, the method does not (the `allow` header lists the ones that do). */
  'METHOD_NOT_ALLOWED',
  /** The client took too long to send its request. */
  'REQUEST_TIMEOUT',
  /** The body is over the size limit, or a text is over the PHI detector's limit. */
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'HEADERS_TOO_LARGE',
  'PHI_BLOCKED',
  'QUOTA_EXCEEDED',
  'RATE_LIMITED',
  /** This device sent too many failing requests in the last minute; it is refused for a while. */
  'DEVICE_THROTTLED',
  /** STT: audio arrived much faster than real time while the provider was not ready for it. */
  'AUDIO_BACKLOG',
  'PROVIDER_NOT_CONFIGURED',
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_TIMEOUT',
  'PROVIDER_ERROR',
  'PROVIDER_STREAM_BROKEN',
  /** A chat sent ahead of its turn's final transcript (AFTER_TRANSCRIPT_HEADER) for another one. */
  'TRANSCRIPT_CHANGED',
  /** Only as a call's outcome: the client hung up before the answer was complete. */
  'CLIENT_CANCELLED',
  /** Only as a call's outcome: the server stopped (killed, crashed) while the call was streaming. */
  'SERVER_CRASHED',
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

const closed = { additionalProperties: false } as const;

/**
 * A tool or participant name, as OpenAI accepts it. Names reach the provider too: the gateway's
 * PHI guard scans them like any other string.
 */
const Name = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
/**
 * A JSON Schema written by the caller (tool parameters, a response format). Any JSON object, but
 * bounded by JSON_LIMITS (depth, size), which the gateway and the workstation's egress guard
 * enforce; every key and string in it is scanned for identifiers before it leaves.
 */
const JsonSchema = Type.Record(Type.String(), Type.Unknown());

const TextPart = Type.Object({ type: Type.Literal('text'), text: Type.String() }, closed);
const ToolCall = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 128 }),
    type: Type.Literal('function'),
    function: Type.Object({ name: Name, arguments: Type.String() }, closed),
  },
  closed,
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
    name: Type.Optional(Name),
    tool_calls: Type.Optional(Type.Array(ToolCall, { maxItems: 128 })),
    tool_call_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  closed,
);
export type ChatMessage = Static<typeof ChatMessage>;

/** A function the model may call. Only `function` tools are relayed. */
export const ChatTool = Type.Object(
  {
    type: Type.Literal('function'),
    function: Type.Object(
      {
        name: Name,
        description: Type.Optional(Type.String({ maxLength: 8_000 })),
        parameters: Type.Optional(JsonSchema),
        strict: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
      },
      closed,
    ),
  },
  closed,
);
export type ChatTool = Static<typeof ChatTool>;

export const ChatToolChoice = Type.Union([
  Type.Literal('none'),
  Type.Literal('auto'),
  Type.Literal('required'),
  Type.Object(
    { type: Type.Literal('function'), function: Type.Object({ name: Name }, closed) },
    closed,
  ),
]);
export type ChatToolChoice = Static<typeof ChatToolChoice>;

export const ChatResponseFormat = Type.Union([
  Type.Object({ type: Type.Literal('text') }, closed),
  Type.Object({ type: Type.Literal('json_object') }, closed),
  Type.Object(
    {
      type: Type.Literal('json_schema'),
      json_schema: Type.Object(
        {
          name: Name,
          description: Type.Optional(Type.String({ maxLength: 8_000 })),
          schema: Type.Optional(JsonSchema),
          strict: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
        },
        closed,
      ),
    },
    closed,
  ),
]);
export type ChatResponseFormat = Static<typeof ChatResponseFormat>;

/**
 * `POST /v1/llm/chat`: an OpenAI chat-completions request. The server chooses the model (its
 * OPENAI_MODEL); `model` is accepted and ignored. Unknown fields are refused (400), at any depth
 * outside caller-written JSON Schemas. The response is always an SSE stream of
 * chat.completion.chunk objects ending in `data: [DONE]`; a failure after the stream started
 * arrives as `data: {"error":{"code","message"}}` and no `[DONE]`.
 */
export const ChatRequest = Type.Object(
  {
    messages: Type.Array(ChatMessage, { minItems: 1, maxItems: 500 }),
    model: Type.Optional(Type.String({ maxLength: 128 })),
    stream: Type.Optional(Type.Literal(true)),
    tools: Type.Optional(Type.Array(ChatTool, { maxItems: 128 })),
    tool_choice: Type.Optional(ChatToolChoice),
    temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 2 })),
    top_p: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    max_tokens: Type.Optional(Type.Integer({ minimum: 1 })),
    max_completion_tokens: Type.Optional(Type.Integer({ minimum: 1 })),
    stop: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String(), { maxItems: 4 })])),
    seed: Type.Optional(Type.Integer()),
    response_format: Type.Optional(ChatResponseFormat),
  },
  closed,
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
 * ElevenLabs' output formats (codec_samplerate[_bitrate]). A closed list, so the field is a choice
 * among known values, never free text: it needs no PHI check (an MRN cannot hide in it).
 */
export const TTS_OUTPUT_FORMATS = [
  'mp3_22050_32',
  'mp3_44100_32',
  'mp3_44100_64',
  'mp3_44100_96',
  'mp3_44100_128',
  'mp3_44100_192',
  'pcm_8000',
  'pcm_16000',
  'pcm_22050',
  'pcm_24000',
  'pcm_44100',
  'pcm_48000',
  'ulaw_8000',
  'alaw_8000',
  'opus_48000_32',
  'opus_48000_64',
  'opus_48000_96',
  'opus_48000_128',
  'opus_48000_192',
] as const;
export type TtsOutputFormat = (typeof TTS_OUTPUT_FORMATS)[number];

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
    outputFormat: Type.Optional(Type.Enum(TTS_OUTPUT_FORMATS)),
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
