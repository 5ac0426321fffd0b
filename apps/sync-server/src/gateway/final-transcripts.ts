import { createHash } from 'node:crypto';

/**
 * How a chat names the transcript it was made for (AFTER_TRANSCRIPT_HEADER): SHA-256 of the turn
 * id, a newline and the transcript's UTF-8, base64url. The turn id (random per turn) salts it, so
 * equal questions in different turns never hash alike. Only this hash is kept and shared.
 */
export const transcriptHash = (turn: string, text: string): string =>
  createHash('sha256').update(`${turn}\n${text}`, 'utf8').digest('base64url');

/** What one server process tells the others about a turn's STT stream (through PostgreSQL). */
export type TranscriptNews =
  | { readonly e: 'open'; readonly d: string; readonly t: string }
  | { readonly e: 'final'; readonly d: string; readonly t: string; readonly h: string }
  | { readonly e: 'end'; readonly d: string; readonly t: string };

interface Entry {
  /** The final transcript's hash, or undefined when the stream ended without one. */
  readonly final: Promise<string | undefined>;
  /** Resolves `final` (later calls do nothing: a promise settles once). */
  readonly settle: (hash: string | undefined) => void;
  expiry?: NodeJS.Timeout;
}

const isNews = (x: unknown): x is TranscriptNews => {
  if (typeof x !== 'object' || x === null) return false;
  const n = x as Record<string, unknown>;
  if (typeof n.d !== 'string' || typeof n.t !== 'string') return false;
  if (n.e === 'open' || n.e === 'end') return true;
  return n.e === 'final' && typeof n.h === 'string';
};

/**
 * The final transcripts of live STT streams — as hashes only — by device and the turn id the
 * workstation gave the stream: a chat request prepared while STT was finalizing waits here for
 * its turn's final transcript. Any server process may hold the chat and another the STT stream:
 * each change is applied here at once and published (`publish`, PostgreSQL NOTIFY); every
 * process applies what the others publish (`receive`, its LISTEN). Kept until `keepMs` after the
 * stream ended (a request may arrive just after), then forgotten. Only the device that opened a
 * stream can wait on it.
 */
export class FinalTranscripts {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly keepMs: number,
    private readonly publish: (news: TranscriptNews) => void = () => undefined,
  ) {}

  private entry(deviceId: string, turn: string, create: boolean): Entry | undefined {
    const key = `${deviceId}\n${turn}`;
    let e = this.entries.get(key);
    if (!e && create) {
      let settle: Entry['settle'] = () => undefined;
      const final = new Promise<string | undefined>((resolve) => (settle = resolve));
      e = { final, settle };
      this.entries.set(key, e);
      // Forgotten even if its end is never heard of (a process died mid-stream).
      this.expire(key, e, 10 * this.keepMs);
    }
    return e;
  }

  private expire(key: string, e: Entry, ms: number): void {
    clearTimeout(e.expiry);
    e.expiry = setTimeout(() => this.entries.delete(key), ms);
    e.expiry.unref();
  }

  /** A stream for this turn opened (a turn id used twice keeps its first final transcript). */
  open(deviceId: string, turn: string): void {
    this.apply({ e: 'open', d: deviceId, t: turn });
    this.publish({ e: 'open', d: deviceId, t: turn });
  }

  /** The provider answered the stream's finalize: this is the turn's final transcript. */
  finalize(deviceId: string, turn: string, text: string): void {
    const news: TranscriptNews = {
      e: 'final',
      d: deviceId,
      t: turn,
      h: transcriptHash(turn, text),
    };
    this.apply(news);
    this.publish(news);
  }

  /** The stream ended: without a final transcript by now there will be none; forget it later. */
  end(deviceId: string, turn: string): void {
    this.apply({ e: 'end', d: deviceId, t: turn });
    this.publish({ e: 'end', d: deviceId, t: turn });
  }

  /** What another process published (any JSON: anything else is ignored). */
  receive(payload: string): void {
    let news: unknown;
    try {
      news = JSON.parse(payload);
    } catch {
      return;
    }
    if (isNews(news)) this.apply(news);
  }

  private apply(news: TranscriptNews): void {
    const e = this.entry(news.d, news.t, news.e !== 'end');
    if (!e) return;
    if (news.e === 'final') e.settle(news.h);
    if (news.e === 'end') {
      e.settle(undefined);
      this.expire(`${news.d}\n${news.t}`, e, this.keepMs);
    }
  }

  /**
   * The hash of the turn's final transcript once it is known; undefined when no process has such
   * a stream of this device, it ended without one, or none came within `timeoutMs`.
   */
  async wait(deviceId: string, turn: string, timeoutMs: number): Promise<string | undefined> {
    const e = this.entry(deviceId, turn, false);
    if (!e) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    try {
      return await Promise.race([e.final, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Streams known now (tests, diagnostics). */
  get size(): number {
    return this.entries.size;
  }
}
