import type { ErrorInfo } from '../shared/errors.js';

/**
 * Every error and notice a clinician can see, in words: one sentence saying what happened and
 * what to do. The code stays available behind "Details" (support, logs). ONE module maps codes to
 * words, so one cause reads the same everywhere and the views never show a code as the message.
 *
 * `notice` is for what is not a failure (a fallback that worked, something already there); it is
 * shown quietly, never in red.
 */
export type Tone = 'error' | 'notice';

export interface Words {
  readonly text: string;
  readonly tone: Tone;
  readonly code: string;
  /** The engine's own wording, shown under Details when it says more than `text`. */
  readonly detail?: string;
}

type Entry = readonly [Tone, string];

const AI_SETUP =
  'Answers come from your own sources on this workstation until an administrator sets up the AI service on the clinic server.';

const WORDS: Readonly<Record<string, Entry>> = {
  // The engine connection and its calls.
  RPC_TIMEOUT: [
    'error',
    'The workstation engine took too long to answer. Try again; if it keeps happening, restart VoiceAssist.',
  ],
  TRANSPORT_CLOSED: [
    'error',
    'The connection to the workstation engine was lost. It reconnects by itself; try again in a moment.',
  ],
  TRANSPORT_REFUSED: [
    'error',
    'This link to the workstation was already used. Open VoiceAssist again to get a new link.',
  ],
  RPC_INTERNAL: [
    'error',
    'Something went wrong in the workstation engine. Try again; if it keeps happening, see Diagnostics.',
  ],
  RPC_MALFORMED: ['error', 'The workstation engine could not read a request. Reload the window.'],
  RPC_TOO_LARGE: [
    'error',
    'That was too large to send at once. Try a shorter text or a smaller file.',
  ],
  RPC_UNKNOWN_METHOD: [
    'error',
    'This window and the workstation engine are different versions. Restart VoiceAssist.',
  ],
  RPC_INVALID_INPUT: ['error', 'The workstation engine refused the request. Reload the window.'],
  RPC_INVALID_OUTPUT: [
    'error',
    'The workstation engine sent an unexpected reply. Try again; if it keeps happening, see Diagnostics.',
  ],
  // Microphone.
  MIC_DENIED: [
    'error',
    'Microphone access is blocked. Allow the microphone for VoiceAssist in your system settings, then hold to talk again; typing still works.',
  ],
  MIC_MISSING: [
    'error',
    'No microphone was found. Connect one or choose another in Settings, then hold to talk again; typing still works.',
  ],
  MIC_BUSY: [
    'error',
    'The microphone is in use by another application. Close it, then hold to talk again.',
  ],
  MIC_UNSUPPORTED: [
    'error',
    'This window cannot use a microphone. Type your question instead, or open VoiceAssist in its own window.',
  ],
  // Voice turn.
  VOICE_SERVER_NOT_CONFIGURED: [
    'notice',
    'Speaking needs the clinic server, which is not set up on this workstation; type your question instead.',
  ],
  VOICE_STT_NOT_CONFIGURED: [
    'notice',
    'Speech recognition is not set up on the clinic server yet; type your question instead.',
  ],
  VOICE_NOT_AVAILABLE: [
    'error',
    'Voice is not available on this workstation right now; type your question instead.',
  ],
  VOICE_NO_TURN: ['notice', 'That question had already ended. Hold to talk again.'],
  VOICE_RECORDING_UNAVAILABLE: [
    'error',
    'Recordings cannot be kept on this workstation (no profile folder). The setting was not changed.',
  ],
  STT_EMPTY: [
    'notice',
    'Nothing was heard. Hold the key for the whole question, speak close to the microphone, and let go when you finish.',
  ],
  TURN_CANCELLED: ['notice', 'Stopped.'],
  TURN_INTERNAL: ['error', 'This question could not be finished. Ask it again.'],
  AUDIO_INVALID: ['error', 'The microphone sound could not be used. Hold to talk again.'],
  AUDIO_OUT_OF_ORDER: ['error', 'Part of the recording was lost. Hold to talk again.'],
  AUDIO_FRAME_SIZE: ['error', 'The microphone sound could not be used. Hold to talk again.'],
  TTS_PLAYBACK: ['notice', 'This answer is shown on screen only: it could not be read aloud.'],
  LLM_UNCITED: [
    'notice',
    'The AI answer did not cite your sources, so the answer below is quoted from your sources instead.',
  ],
  // Providers behind the clinic server.
  PROVIDER_NOT_CONFIGURED: ['notice', AI_SETUP],
  PROVIDER_UNAVAILABLE: [
    'notice',
    'The AI service is not reachable right now, so the answer is quoted from your own sources.',
  ],
  PROVIDER_TIMEOUT: [
    'notice',
    'The AI service took too long, so the answer is quoted from your own sources.',
  ],
  PROVIDER_ERROR: [
    'notice',
    'The AI service failed on this question, so the answer is quoted from your own sources.',
  ],
  PROVIDER_STREAM_BROKEN: [
    'notice',
    'The AI service stopped mid-answer; what it said with sources is shown, the rest is quoted from your sources.',
  ],
  GATEWAY_UNREACHABLE: [
    'error',
    'The clinic server cannot be reached. Check the network; answers from your own sources still work.',
  ],
  GATEWAY_TIMEOUT: [
    'error',
    'The clinic server did not answer in time. Try again; answers from your own sources still work.',
  ],
  // Privacy guard.
  PHI_BLOCKED: [
    'notice',
    'Patient details were found in the question, so it stayed on this workstation and was answered from your own sources.',
  ],
  EGRESS_BLOCKED: [
    'notice',
    'The privacy guard kept this question on the workstation; it was answered from your own sources.',
  ],
  EGRESS_REFUSED: [
    'notice',
    'The privacy guard kept this question on the workstation; it was answered from your own sources.',
  ],
  EGRESS_NO_BAA: [
    'notice',
    'The AI service has no data-protection agreement on file, so nothing was sent to it; the answer comes from your own sources.',
  ],
  EGRESS_UNPREPARED_PHI: [
    'notice',
    'The privacy guard kept this question on the workstation; it was answered from your own sources.',
  ],
  EGRESS_DESTINATION_DENIED: [
    'notice',
    'That service is not on the clinic’s allowed list, so nothing was sent; the answer comes from your own sources.',
  ],
  EGRESS_UNKNOWN_PROVIDER: [
    'notice',
    'That service is not on the clinic’s allowed list, so nothing was sent; the answer comes from your own sources.',
  ],
  // Knowledge store.
  KB_NOT_AVAILABLE: [
    'error',
    'The knowledge store is not set up on this workstation. Start VoiceAssist with a profile folder to add sources.',
  ],
  KB_BUSY: [
    'notice',
    'Sources are still being added. Wait for that to finish, or cancel it, then try again.',
  ],
  KB_PATH_INVALID: [
    'error',
    'Give the full path of a file or folder on this computer, for example /home/me/guidelines.',
  ],
  KB_PATH_NOT_FOUND: ['error', 'Nothing was found at that path. Check it and try again.'],
  KB_NOT_FOUND: [
    'error',
    'That source is no longer in your knowledge store; it may have been removed. Refresh the list.',
  ],
  KB_SPAN_INVALID: [
    'error',
    'That part of the source no longer exists; the source may have changed. Ask again.',
  ],
  KB_FAILED: [
    'error',
    'The knowledge store could not do that. Try again; if it keeps happening, see Diagnostics.',
  ],
  KB_CANCELLED: ['notice', 'Adding sources was cancelled; the files finished so far were kept.'],
  KB_UPLOAD_TOO_LARGE: ['error', 'That file is larger than 50 MB. Add it by its path instead.'],
  KB_UPLOAD_OUT_OF_ORDER: ['error', 'The file arrived incomplete. Add it again.'],
  KB_EMBEDDER_MISMATCH: [
    'notice',
    'Search is being rebuilt for a new language model; results use keywords until it finishes.',
  ],
  STORE_WRONG_KEY: [
    'error',
    'The local store cannot be opened with this workstation’s key. Ask your administrator; nothing was changed.',
  ],
  STORE_KEY_UNAVAILABLE: [
    'error',
    'The key of the local store is missing on this workstation. Ask your administrator; nothing was changed.',
  ],
  STORE_KEY_INVALID: [
    'error',
    'The key of the local store is not valid. Ask your administrator; nothing was changed.',
  ],
  STORE_KEY_INSECURE: [
    'error',
    'The key file of the local store can be read by others. Ask your administrator to restrict it.',
  ],
  STORE_LOCKED: [
    'error',
    'The local store is in use by another VoiceAssist window. Close it, then try again.',
  ],
  STORE_NEWER_SCHEMA: [
    'error',
    'The local store was made by a newer VoiceAssist. Update VoiceAssist on this workstation.',
  ],
  STORE_OPEN_FAILED: [
    'error',
    'The local store could not be opened. Restart VoiceAssist; if it keeps happening, see Diagnostics.',
  ],
  EMBED_MODEL_NOT_FOUND: [
    'error',
    'The configured search model is not installed. Ask your administrator; keyword search still works.',
  ],
  EMBED_NO_BACKEND: [
    'error',
    'No search model can run on this workstation. Ask your administrator; keyword search still works.',
  ],
  EMBED_RUN_FAILED: ['error', 'The search model failed. Try again; keyword search still works.'],
  // Files that could not be added (each shown beside its file name).
  INGEST_BINARY: ['error', 'Not a text document (binary content).'],
  INGEST_UNSUPPORTED: [
    'error',
    'This file type is not supported: use PDF, Word, HTML, Markdown or text.',
  ],
  INGEST_UNREADABLE: [
    'error',
    'The file cannot be read: check that it exists and you may open it.',
  ],
  INGEST_TOO_LARGE: ['error', 'The file is too large to add.'],
  INGEST_TOO_DEEP: ['error', 'The folder is nested too deeply; add a folder further down.'],
  INGEST_ENCRYPTED: [
    'error',
    'The file is password-protected; save an unprotected copy and add that.',
  ],
  INGEST_CORRUPT: ['error', 'The file is damaged and could not be read.'],
  INGEST_NO_TEXT: ['error', 'No text was found in the file (a scanned PDF without text?).'],
  INGEST_EMPTY: ['error', 'The file is empty.'],
  INGEST_SYMLINK_LOOP: ['error', 'A link in this folder points back to itself; it was skipped.'],
  INGEST_FAILED: ['error', 'The file could not be added.'],
  INGEST_DUPLICATE: ['notice', 'Already in your sources (the same content under another name).'],
};

/** One sentence the engine wrote for a person, usable when a code is not in the table. */
function readable(message: string): boolean {
  return (
    message.length > 0 && message.length <= 220 && !/[{}<>]|\b[A-Z]{3,}_[A-Z_]+\b/.test(message)
  );
}

export function wordsFor(error: ErrorInfo): Words {
  const entry = WORDS[error.code];
  const detail = error.message && error.message !== entry?.[1] ? error.message : undefined;
  if (entry)
    return { tone: entry[0], text: entry[1], code: error.code, ...(detail ? { detail } : {}) };
  return {
    tone: 'error',
    text: readable(error.message)
      ? error.message
      : 'Something went wrong. Try again; if it keeps happening, see Diagnostics.',
    code: error.code,
    ...(readable(error.message) ? {} : detail ? { detail } : {}),
  };
}

/** True when the code names a notice (a fallback or information), not a failure. */
export const isNotice = (code: string): boolean => WORDS[code]?.[0] === 'notice';

/**
 * Codes that name the same cause: shown once. A turn's "speech recognition is not set up" is the
 * same cause as the status line saying so.
 */
const SAME_CAUSE: Readonly<Record<string, string>> = {
  VOICE_STT_NOT_CONFIGURED: 'voice-setup',
  VOICE_SERVER_NOT_CONFIGURED: 'voice-setup',
  PROVIDER_NOT_CONFIGURED: 'ai-setup',
  EGRESS_BLOCKED: 'privacy',
  EGRESS_REFUSED: 'privacy',
  EGRESS_UNPREPARED_PHI: 'privacy',
  PHI_BLOCKED: 'privacy',
  EGRESS_DESTINATION_DENIED: 'allow-list',
  EGRESS_UNKNOWN_PROVIDER: 'allow-list',
};

export const causeOf = (code: string): string => SAME_CAUSE[code] ?? code;

/** One message per cause, in first-seen order. */
export function onePerCause<T extends { readonly code: string }>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const cause = causeOf(i.code);
    if (seen.has(cause)) return false;
    seen.add(cause);
    return true;
  });
}
