import { DeepgramClient } from '@deepgram/sdk';
import type { Config } from '../config.js';

type DeepgramConfig = NonNullable<Config['providers']['deepgram']>;

export type SttMessage = Readonly<{ type: string } & Record<string, unknown>>;

export type SttSession = Readonly<{
  sendAudio: (pcm: Buffer) => void;
  finalize: () => void;
  closeStream: () => void;
  keepAlive: () => void;
  close: () => void;
}>;

export type SttHandlers = Readonly<{
  /** The parsed message and its text as received (forwarded as is, not serialised again). */
  onMessage: (m: SttMessage, raw: string) => void;
  onClose: (code: number, reason: string) => void;
  onError: (e: Error) => void;
}>;

export type SttProvider = Readonly<{
  name: string;
  model: string;
  /** Resolves once the provider's socket is open. */
  open: (h: SttHandlers, signal: AbortSignal) => Promise<SttSession>;
}>;

/** Deepgram live transcription of 16 kHz mono linear16, interim results and utterance ends. */
export function deepgramProvider(cfg: DeepgramConfig): SttProvider {
  const client = new DeepgramClient({ apiKey: cfg.apiKey, baseUrl: cfg.url });
  return {
    name: 'deepgram',
    model: cfg.model,
    open: async (h, signal) => {
      const conn = await client.listen.v1.connect({
        model: cfg.model,
        encoding: 'linear16',
        sample_rate: 16_000,
        channels: 1,
        interim_results: 'true',
        utterance_end_ms: '1000',
        vad_events: 'true',
        punctuate: 'true',
        smart_format: 'true',
        reconnectAttempts: 0, // a half-heard utterance cannot be resumed on a new socket
        abortSignal: signal,
      });
      conn.on('close', (ev) => h.onClose(ev.code, ev.reason));
      conn.on('error', (e) => h.onError(e));
      conn.connect();
      // The SDK parses provider frames inside the socket's event dispatch with no guard, so one
      // malformed frame would throw out of it (and take the process down). Parse them here.
      const sdkParse = (conn as unknown as { handleMessage: (ev: unknown) => void }).handleMessage;
      conn.socket.removeEventListener('message', sdkParse);
      conn.socket.addEventListener('message', (ev: { data: unknown }) => {
        const text =
          typeof ev.data === 'string'
            ? ev.data
            : Buffer.from(ev.data as ArrayBuffer).toString('utf8');
        let m: unknown;
        try {
          m = JSON.parse(text);
        } catch {
          return h.onError(new Error('malformed provider message'));
        }
        if (
          typeof m !== 'object' ||
          m === null ||
          typeof (m as { type?: unknown }).type !== 'string'
        ) {
          return h.onError(new Error('provider message without a type'));
        }
        h.onMessage(m as SttMessage, text);
      });
      await conn.waitForOpen();
      return {
        sendAudio: (pcm) => conn.sendMedia(pcm),
        finalize: () => conn.sendFinalize({ type: 'Finalize' }),
        closeStream: () => conn.sendCloseStream({ type: 'CloseStream' }),
        keepAlive: () => conn.sendKeepAlive({ type: 'KeepAlive' }),
        close: () => conn.close(),
      };
    },
  };
}
