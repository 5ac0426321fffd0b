import { createHash } from 'node:crypto';

/** SHA-256 of a transcript's UTF-8, base64url: how a chat names the transcript it was made for. */
export const transcriptHash = (text: string): string =>
  createHash('sha256').update(text, 'utf8').digest('base64url');

interface Entry {
  /** The final transcript, or undefined when the stream ended without one. */
  final: Promise<string | undefined>;
  /** Resolves `final` (later calls do nothing: a promise settles once). */
  settle: (text: string | undefined) => void;
  expiry?: NodeJS.Timeout;
}

/**
 * The final transcripts of live STT streams, by device and the turn id the workstation gave the
 * stream (see AFTER_TRANSCRIPT_HEADER in the contract): a chat request prepared while STT was
 * finalizing waits here for its turn's final transcript. Kept in memory only, until `keepMs`
 * after its stream ended (a request may arrive just after), then forgotten. Only the device that
 * opened a stream can wait on it.
 */
export class FinalTranscripts {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly keepMs: number) {}

  private entry(deviceId: string, turn: string, create: boolean): Entry | undefined {
    const key = `${deviceId}\n${turn}`;
    let e = this.entries.get(key);
    if (!e && create) {
      let settle: Entry['settle'] = () => undefined;
      const final = new Promise<string | undefined>((resolve) => (settle = resolve));
      e = { final, settle };
      this.entries.set(key, e);
    }
    return e;
  }

  /** A stream for this turn opened (a turn id used twice keeps its first final transcript). */
  open(deviceId: string, turn: string): void {
    this.entry(deviceId, turn, true);
  }

  /** The provider answered the stream's finalize: this is the turn's final transcript. */
  finalize(deviceId: string, turn: string, text: string): void {
    this.entry(deviceId, turn, false)?.settle(text);
  }

  /** The stream ended: without a final transcript by now there will be none; forget it later. */
  end(deviceId: string, turn: string): void {
    const e = this.entry(deviceId, turn, false);
    if (!e) return;
    e.settle(undefined);
    clearTimeout(e.expiry);
    e.expiry = setTimeout(() => this.entries.delete(`${deviceId}\n${turn}`), this.keepMs);
    e.expiry.unref();
  }

  /**
   * The turn's final transcript once it is known; undefined when the device has no such stream,
   * it ended without one, or none came within `timeoutMs`.
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
