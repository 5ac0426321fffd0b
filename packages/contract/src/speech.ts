/**
 * How an answer's text becomes speech, shared by the workstation and the gateway so both derive
 * the same spoken text from the same LLM stream: the workstation splits the stream into
 * sentences, keeps only cited ones and sends each to TTS; the gateway, when asked to speak ahead
 * (`SPEAK_AHEAD_HEADER`), starts TTS for the first cited sentence itself as soon as it is complete
 * and hands that call to the workstation's TTS request for the identical text. Text only: no
 * identifiers ever reach TTS (placeholders are spoken as neutral words).
 */

/** `[1]`, `[2, 3]`: the passage numbers an LLM sentence cites (our prompt asks for them). */
const MARKER = /\s*\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\]/g;
/**
 * A sentence ends at . ! ? (plus closing quotes/brackets and any citation markers), followed by
 * whitespace and the start of the next sentence — anything but another marker. Until that next
 * character arrives the sentence may still be followed by its markers, so it is held back.
 */
const BOUNDARY = /[.!?]["')\]]*(?:\s*\[\d{1,2}(?:\s*,\s*\d{1,2})*\])*(?=\s+(?:[^\s[]|\[[A-Z]))/g;
const CITED_END = /\[\d{1,2}(?:\s*,\s*\d{1,2})*\]\s*[.!?]["')]*$/;
const ABBREVIATION = /\b(?:e\.g|i\.e|etc|vs|Dr|Mr|Mrs|Ms|approx|No|Fig)\.$/i;

/** Splits a token stream into sentences as soon as each is complete. */
export class SentenceSplitter {
  private buffer = '';

  push(delta: string): string[] {
    this.buffer += delta;
    const out: string[] = [];
    let from = 0;
    BOUNDARY.lastIndex = 0;
    for (let m = BOUNDARY.exec(this.buffer); m; m = BOUNDARY.exec(this.buffer)) {
      const end = m.index + m[0].length;
      const candidate = this.buffer.slice(from, end);
      if (ABBREVIATION.test(this.buffer.slice(from, m.index + 1))) continue;
      if (candidate.trim() !== '') out.push(candidate.trim());
      from = end;
    }
    this.buffer = this.buffer.slice(from);
    // A sentence whose citation came before its full stop ("… pressures [1].") is complete as
    // soon as the stop arrives: no need to wait for the next token to see if markers follow.
    const rest = this.buffer.trim();
    if (CITED_END.test(rest) && !ABBREVIATION.test(rest)) {
      out.push(rest);
      this.buffer = '';
    }
    return out;
  }

  /** End of the stream: whatever is left is the last sentence. */
  flush(): string[] {
    const rest = this.buffer.trim();
    this.buffer = '';
    return rest === '' ? [] : [rest];
  }
}

/** The passage numbers a sentence cites, in order of first appearance, each once. */
export function citedNumbers(sentence: string): number[] {
  const seen = new Set<number>();
  for (const m of sentence.matchAll(MARKER))
    for (const n of (m[1] ?? '').split(',')) seen.add(Number(n.trim()));
  return [...seen];
}

/** A sentence's text without its citation markers, whitespace normalised. */
export function withoutCitations(sentence: string): string {
  return sentence
    .replace(MARKER, '')
    .replace(/\s+([.!?,;:])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** How a placeholder is spoken: the provider never gets the identifier, the listener gets a hint. */
const SPOKEN_PLACEHOLDER: Readonly<Record<string, string>> = {
  PATIENT: 'the patient',
  DATE: 'that date',
  AGE: 'that age',
  PHONE: 'that phone number',
  FAX: 'that fax number',
  EMAIL: 'that email address',
  ADDRESS: 'that address',
  LOCATION: 'that place',
  FACILITY: 'that facility',
  ZIP: 'that postal code',
};

/** Pseudonymized text → the text TTS gets: each `[LABEL_n]` placeholder becomes neutral words. */
export function speakablePlaceholders(text: string): string {
  return text.replace(/\[([A-Z]+)_\d{1,6}\]/g, (_m, label: string) => {
    return SPOKEN_PLACEHOLDER[label] ?? 'that detail';
  });
}

/**
 * Request header of `POST /v1/llm/chat` asking the gateway to speak ahead: `passages=N;
 * format=F` — the prompt numbered N passages, and TTS audio is wanted in output format F.
 */
export const SPEAK_AHEAD_HEADER = 'x-voiceassist-speak-ahead';

/** Response header of `POST /v1/tts/stream`, value `1`: this audio was started ahead. */
export const SPOKEN_AHEAD_HEADER = 'x-voiceassist-spoken-ahead';

export interface SpeakAhead {
  readonly passages: number;
  readonly format: string;
}

const SPEAK_AHEAD = /^passages=(\d{1,2});\s*format=((?:mp3|pcm|ulaw|alaw|opus)_[0-9_]+)$/;

export const speakAheadHeader = (s: SpeakAhead): string =>
  `passages=${s.passages}; format=${s.format}`;

/** The header's value parsed, or undefined when absent or malformed (then nothing is spoken). */
export function parseSpeakAhead(value: string | undefined): SpeakAhead | undefined {
  const m = value === undefined ? null : SPEAK_AHEAD.exec(value.trim());
  if (!m) return undefined;
  const passages = Number(m[1]);
  return passages >= 1 ? { passages, format: m[2] ?? '' } : undefined;
}

/**
 * What the workstation would send to TTS for a sentence of a pseudonymized LLM answer that was
 * given `passages` numbered passages: its text without markers, placeholders made speakable —
 * or undefined when it cites none of them (the workstation drops uncited sentences).
 */
export function spokenTextOf(sentence: string, passages: number): string | undefined {
  if (!citedNumbers(sentence).some((n) => n >= 1 && n <= passages)) return undefined;
  const text = speakablePlaceholders(withoutCitations(sentence));
  return text === '' ? undefined : text;
}

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
 * STT was still finalizing, for a final transcript whose SHA-256 (base64url, of its UTF-8) is
 * HASH. The gateway holds the request until turn ID's final transcript arrives from the STT
 * provider, then sends it on if that transcript hashes to HASH, and answers 409
 * TRANSCRIPT_CHANGED otherwise. The turn's transcript never travels back in clear: it is the
 * gateway's own (it relayed it), the workstation only names and hashes it.
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
