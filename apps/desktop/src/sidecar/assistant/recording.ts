import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MIC_SAMPLE_RATE } from '../../shared/voice-turn.js';
import { encodeWav, int16ToFloat } from '../voice/wav.js';

/**
 * Microphone audio of turns, kept per turn while it is captured and written as
 * `<dir>/<turnId>.wav` (0600, folder 0700) when the turn ends. Only used while recording is on.
 */
export class TurnRecorder {
  private readonly turns = new Map<string, Int16Array[]>();

  constructor(
    private readonly dir: string,
    private readonly warn: (fields: Record<string, unknown>, msg: string) => void,
  ) {}

  push(turnId: string, samples: Int16Array): void {
    let chunks = this.turns.get(turnId);
    if (!chunks) this.turns.set(turnId, (chunks = []));
    chunks.push(samples);
  }

  /** Writes the turn's audio, if any was kept, and forgets it; never rejects. */
  async finish(turnId: string): Promise<void> {
    const chunks = this.turns.get(turnId);
    this.turns.delete(turnId);
    if (!chunks || chunks.length === 0) return;
    try {
      const total = chunks.reduce((n, c) => n + c.length, 0);
      const all = new Int16Array(total);
      let off = 0;
      for (const c of chunks) {
        all.set(c, off);
        off += c.length;
      }
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeFile(
        path.join(this.dir, `${turnId}.wav`),
        encodeWav(int16ToFloat(all), MIC_SAMPLE_RATE),
        { mode: 0o600 },
      );
    } catch (err) {
      this.warn({ errName: err instanceof Error ? err.name : typeof err }, 'recording not written');
    }
  }

  /** Drops what a turn kept without writing it (recording was switched off meanwhile). */
  discard(turnId: string): void {
    this.turns.delete(turnId);
  }
}
