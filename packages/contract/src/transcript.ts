/**
 * How a live transcription becomes a turn's final transcript, and how a chat request prepared
 * while STT was still finalizing names that transcript (by hash) so the gateway can hold it until
 * the transcript is final. The workstation and the gateway both derive the transcript the same
 * way (`joinTranscript`); the transcript itself never travels back to the gateway.
 */

/**
 * A live transcription's text: its final results in order, trimmed, empty ones left out, joined
 * by single spaces. The workstation and the gateway both derive a turn's final transcript so.
 */
export const joinTranscript = (parts: readonly string[]): string =>
  parts
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .join(' ');

/**
 * Query parameter of `GET /v1/stt/live` naming the turn (the workstation's random id), so a
 * chat request can refer to the turn's final transcript.
 */
export const STT_TURN_PARAM = 'turn';

/**
 * Request header of `POST /v1/llm/chat`: `turn=ID; sha256=HASH` — the chat was prepared while
 * STT was still finalizing, for a final transcript T whose hash is HASH: SHA-256 of the UTF-8 of
 * `ID + "\n" + T`, base64url (the random turn id salts it: equal questions in two turns hash
 * differently). The gateway holds the request until turn ID's final transcript arrives from the
 * STT provider — on whichever server process relayed that stream; they share hashes, never
 * words, through PostgreSQL — then sends it on if that transcript hashes to HASH, and answers
 * 409 TRANSCRIPT_CHANGED otherwise. The transcript never travels back in clear: the gateway
 * relayed it, the workstation only names and hashes it.
 */
export const AFTER_TRANSCRIPT_HEADER = 'x-voiceassist-after-transcript';

export interface AfterTranscript {
  readonly turn: string;
  readonly sha256: string;
}

const TURN_ID = /^[A-Za-z0-9-]{8,64}$/;
const AFTER_TRANSCRIPT = /^turn=([A-Za-z0-9-]{8,64});\s*sha256=([A-Za-z0-9_-]{43})$/;

export const isTurnId = (id: string): boolean => TURN_ID.test(id);

export const afterTranscriptHeader = (a: AfterTranscript): string =>
  `turn=${a.turn}; sha256=${a.sha256}`;

export function parseAfterTranscript(value: string | undefined): AfterTranscript | undefined {
  const m = value === undefined ? null : AFTER_TRANSCRIPT.exec(value.trim());
  return m ? { turn: m[1] ?? '', sha256: m[2] ?? '' } : undefined;
}
