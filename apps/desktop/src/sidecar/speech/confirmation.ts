import { CodedError } from '../../shared/errors.js';
import type { FinalTranscript } from './types.js';

/**
 * Holds a voice turn after its transcript until the clinician confirms it (Enter) or types a
 * correction — before anything is answered. One pending confirmation per turn id; a turn that is
 * cancelled (barge-in, Stop, a new key-down) drops its wait.
 */
export class TranscriptConfirmations {
  private readonly pending = new Map<string, (text: string) => void>();

  /** Resolves with the confirmed (or corrected) text; rejects with TURN_CANCELLED on abort. */
  wait(turnId: string, signal: AbortSignal): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const onAbort = (): void => {
        this.pending.delete(turnId);
        reject(new CodedError('TURN_CANCELLED', 'confirmation'));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(turnId, (text) => {
        signal.removeEventListener('abort', onAbort);
        this.pending.delete(turnId);
        resolve(text);
      });
    });
  }

  /** The `voice.confirm` call: false when that turn is not waiting (already confirmed, cancelled). */
  confirm(turnId: string, text: string): boolean {
    const resolve = this.pending.get(turnId);
    const clean = text.replace(/\s+/g, ' ').trim();
    if (!resolve || clean === '') return false;
    resolve(clean);
    return true;
  }

  isWaiting(turnId: string): boolean {
    return this.pending.has(turnId);
  }
}

/** The `voice.confirm` event's payload for a final transcript that needs confirming. */
export function confirmationEvent(turnId: string, final: FinalTranscript) {
  return {
    turnId,
    text: final.text.slice(0, 20_000),
    recogniser: final.recogniser,
    accuracy: final.accuracy,
    confidence: final.confidence === undefined ? null : Math.min(1, Math.max(0, final.confidence)),
  };
}
