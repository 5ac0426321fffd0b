import http from 'node:http';
import {
  answerPreconnect,
  closeServer,
  listen,
  monotonicMs,
  recordServed,
  recordRequest,
  sleep,
  takeStatus,
  type Faults,
  type Recorded,
  type Served,
} from './common.js';

export type ElevenLabsStandinOptions = { apiKey: string; port?: number };

export type ElevenLabsStandin = {
  url: string;
  faults: Faults;
  requests: Recorded[];
  /** GETs answered with 404: connections opened ahead of calls (see `answerPreconnect`). */
  readonly preconnects: number;
  /** Provider-side latency of each audio stream (request in → first audio byte out). */
  served: Served[];
  close: () => Promise<void>;
};

const CHUNK_BYTES = 2048;

/**
 * Speaks ElevenLabs' `POST /v1/text-to-speech/{voice_id}/stream?output_format=…` (`xi-api-key`
 * header, JSON `{text, model_id}`): a chunked audio body whose length grows with the text;
 * errors as `{detail:{status,message}}`.
 */
export async function startElevenLabsStandin(
  options: ElevenLabsStandinOptions,
): Promise<ElevenLabsStandin> {
  const faults: Faults = {};
  const requests: Recorded[] = [];
  const served: Served[] = [];
  let preconnects = 0;
  const server = http.createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const startMs = monotonicMs();
    if (answerPreconnect(req, res)) {
      preconnects++;
      return;
    }
    const { url: u, body } = await recordRequest(req, requests);
    const error = (status: number, s: string, message: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: { status: s, message } }));
    };
    const m = /^\/v1\/text-to-speech\/([^/]+)\/stream$/.exec(u.pathname);
    if (!m || req.method !== 'POST') return error(404, 'not_found', 'Not found');
    if (req.headers['xi-api-key'] !== options.apiKey)
      return error(401, 'invalid_api_key', 'Invalid API key');
    const text = (body as { text?: unknown }).text;
    if (typeof text !== 'string' || text.length === 0)
      return error(422, 'invalid_text', 'text is required');
    if (faults.hang) return;
    await sleep(faults.latencyMs ?? 0);
    const status = takeStatus(faults);
    if (status !== undefined) return error(status, 'internal_error', 'Internal error');
    const format = u.searchParams.get('output_format') ?? 'mp3_44100_128';
    res.writeHead(200, {
      'content-type': format.startsWith('pcm_') ? 'audio/pcm' : 'audio/mpeg',
      'transfer-encoding': 'chunked',
    });
    const chunks = Math.max(2, Math.ceil(text.length / 20));
    for (let i = 0; i < chunks; i++) {
      if (faults.disconnectAfter !== undefined && i >= faults.disconnectAfter) {
        res.destroy();
        return;
      }
      if (i > 0 && !faults.burst) await sleep(faults.chunkDelayMs ?? 0);
      res.write(Buffer.alloc(CHUNK_BYTES, faults.audible ? (i % 255) + 1 : i % 256));
      if (i === 0) recordServed(served, startMs);
    }
    res.end();
  }

  const port = await listen(server, options.port);
  return {
    url: `http://127.0.0.1:${port}`,
    faults,
    requests,
    get preconnects() {
      return preconnects;
    },
    served,
    close: () => closeServer(server),
  };
}
