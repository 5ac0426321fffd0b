import http from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  closeServer,
  listen,
  monotonicMs,
  recordHeaders,
  recordServed,
  sleep,
  takeStatus,
  type Faults,
  type Recorded,
  type Served,
} from './common.js';

export type DeepgramStandinOptions = {
  apiKey: string;
  /** What the "speaker" says; revealed word by word as audio arrives. */
  transcript?: string;
  port?: number;
};

export type DeepgramStandin = {
  url: string; // ws://127.0.0.1:PORT (the SDK appends /v1/listen)
  faults: Faults;
  requests: Recorded[];
  /** Provider-side finalize latency of each session (`Finalize` in → final result out). */
  served: Served[];
  close: () => Promise<void>;
};

const BYTES_PER_SECOND = 16_000 * 2; // linear16 mono at 16 kHz
const INTERIM_EVERY_BYTES = BYTES_PER_SECOND / 4;

/**
 * Speaks Deepgram's live transcription WebSocket (`/v1/listen`, `Authorization: Token KEY`):
 * binary audio in; JSON `Results` (interim `is_final:false`, then `is_final`/`speech_final` on
 * Finalize), `UtteranceEnd`, and on CloseStream a final `Metadata` and a normal close.
 */
export async function startDeepgramStandin(
  options: DeepgramStandinOptions,
): Promise<DeepgramStandin> {
  const faults: Faults = {};
  const requests: Recorded[] = [];
  const served: Served[] = [];
  const heard = (): string[] =>
    (
      faults.transcript ??
      options.transcript ??
      'the patient reports intermittent chest pain'
    ).split(' ');
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });

  const sockets = new Set<Duplex>();
  server.on('upgrade', (req, socket, head) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    void (async () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const record: Recorded = {
        path: u.pathname,
        query: Object.fromEntries(u.searchParams),
        headers: recordHeaders(req.headers),
        body: null,
        messages: [],
        audioBytes: 0,
      };
      requests.push(record);
      const reject = (status: number, msg: string) => {
        socket.end(
          `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n${JSON.stringify({ err_code: 'ERR', err_msg: msg })}`,
        );
      };
      if (u.pathname !== '/v1/listen') return reject(404, 'not found');
      if (req.headers.authorization !== `Token ${options.apiKey}`)
        return reject(401, 'Invalid credentials.');
      if (faults.hang) return; // never completes the handshake
      await sleep(faults.latencyMs ?? 0);
      const status = takeStatus(faults);
      if (status !== undefined) return reject(status, 'internal error');
      wss.handleUpgrade(req, socket, head, (ws) => session(ws, record));
    })();
  });

  function session(ws: WebSocket, record: Recorded) {
    const requestId = randomUUID();
    const words = heard();
    let bytes = 0;
    let sinceInterim = 0;
    let sent = 0;
    let revealed = 0;
    let audioStart = 0;
    let outbox = Promise.resolve();
    /** `onSent` runs once the message is on the socket (provider-side timing). */
    const send = (msg: unknown, onSent?: () => void) => {
      outbox = outbox.then(async () => {
        if (ws.readyState !== ws.OPEN) return;
        if (faults.disconnectAfter !== undefined && sent >= faults.disconnectAfter)
          return ws.terminate();
        if (faults.malformedAfter !== undefined && sent >= faults.malformedAfter) {
          ws.send('{"type": "Results", "channel": ');
          sent++;
          return;
        }
        if (sent > 0) await sleep(faults.chunkDelayMs ?? 0);
        ws.send(JSON.stringify(msg));
        onSent?.();
        sent++;
      });
    };
    const seconds = () => bytes / BYTES_PER_SECOND;
    const results = (isFinal: boolean, fromFinalize: boolean) => {
      const text = words.slice(0, Math.max(1, revealed)).join(' ');
      const start = audioStart;
      const duration = Math.max(0.01, seconds() - start);
      const n = Math.max(1, revealed);
      return {
        type: 'Results',
        channel_index: [0, 1],
        duration,
        start,
        is_final: isFinal,
        speech_final: isFinal,
        from_finalize: fromFinalize,
        channel: {
          alternatives: [
            {
              transcript: text,
              confidence: 0.98,
              words: words.slice(0, n).map((w, i) => ({
                word: w,
                start: start + (i * duration) / n,
                end: start + ((i + 1) * duration) / n,
                confidence: 0.98,
                punctuated_word: w,
              })),
            },
          ],
        },
        metadata: {
          request_id: requestId,
          model_info: { name: 'general-nova-3', version: '2024-01-01', arch: 'nova-3' },
          model_uuid: '00000000-0000-0000-0000-000000000000',
        },
      };
    };
    const finalize = () => {
      if (revealed === 0 && bytes === 0) return;
      const startMs = monotonicMs();
      send(results(true, true), () => recordServed(served, startMs));
      send({ type: 'UtteranceEnd', channel: [0, 1], last_word_end: seconds() });
      revealed = 0;
      audioStart = seconds();
    };
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        const n = (data as Buffer).length;
        bytes += n;
        record.audioBytes = bytes;
        sinceInterim += n;
        if (sinceInterim >= INTERIM_EVERY_BYTES) {
          sinceInterim = 0;
          revealed = Math.min(words.length, revealed + 1);
          send(results(false, false));
        }
        return;
      }
      const text = (data as Buffer).toString('utf8');
      let msg: { type?: string } = {};
      try {
        msg = JSON.parse(text) as { type?: string };
      } catch {
        /* Deepgram ignores what it cannot parse */
      }
      record.messages?.push(msg);
      if (msg.type === 'Finalize') finalize();
      if (msg.type === 'CloseStream') {
        if (revealed > 0) finalize();
        send({
          type: 'Metadata',
          transaction_key: 'deprecated',
          request_id: requestId,
          sha256: '0'.repeat(64),
          created: new Date().toISOString(),
          duration: seconds(),
          channels: 1,
        });
        outbox = outbox.then(() => ws.close(1000));
      }
    });
  }

  const port = await listen(server, options.port);
  return {
    url: `ws://127.0.0.1:${port}`,
    faults,
    requests,
    served,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      for (const s of sockets) s.destroy(); // upgrades left hanging on purpose (faults.hang)
      wss.close();
      await closeServer(server);
    },
  };
}
