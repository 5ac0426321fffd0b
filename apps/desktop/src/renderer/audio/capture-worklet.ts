/**
 * The capture AudioWorklet: mono mix of the microphone → 16 kHz (Resampler) → 512-sample (32 ms)
 * PCM16 frames posted to the page with their RMS level. Vite bundles this file (and its imports)
 * into its own asset (`?worker&url` in capture.ts), loaded with `audioWorklet.addModule` from
 * 'self', which the strict CSP (`script-src 'self'`) allows; no blob: or inline code.
 */
import { Resampler, floatToPcm16, levelDbfs } from './resampler.js';

// The AudioWorkletGlobalScope is not in TypeScript's DOM lib; these are the parts used here.
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, ctor: new () => AudioWorkletProcessor): void;

export const FRAME_SAMPLES = 512;

/** What the worklet posts for every frame. */
export interface CaptureFrameMessage {
  readonly pcm: Int16Array;
  readonly level: number;
}

class CaptureProcessor extends AudioWorkletProcessor {
  private readonly resampler = new Resampler(sampleRate, 16_000);
  private readonly pending = new Float32Array(FRAME_SAMPLES);
  private filled = 0;

  process(inputs: Float32Array[][]): boolean {
    const channels = inputs[0];
    const first = channels?.[0];
    if (!channels || !first) return true; // no input connected yet
    let mono = first;
    if (channels.length > 1) {
      mono = new Float32Array(first.length);
      for (const ch of channels)
        for (let i = 0; i < ch.length; i++)
          mono[i] = (mono[i] ?? 0) + (ch[i] ?? 0) / channels.length;
    }
    const out = this.resampler.push(mono);
    for (const s of out) {
      this.pending[this.filled++] = s;
      if (this.filled === FRAME_SAMPLES) {
        const pcm = floatToPcm16(this.pending);
        const message: CaptureFrameMessage = { pcm, level: levelDbfs(pcm) };
        this.port.postMessage(message, [pcm.buffer]);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor('voiceassist-capture', CaptureProcessor);
