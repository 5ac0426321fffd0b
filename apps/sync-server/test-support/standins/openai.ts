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

export type OpenAiStandinOptions = {
  apiKey: string;
  /** The assistant's reply, streamed one word per chunk. */
  reply?: string;
  /** When set, the reply is this tool call instead of text. */
  toolCall?: { name: string; arguments: string };
  port?: number;
};

export type OpenAiStandin = {
  url: string; // base URL for the SDK, ending in /v1
  faults: Faults;
  requests: Recorded[];
  /** GETs answered with 404: connections opened ahead of calls (see `answerPreconnect`). */
  readonly preconnects: number;
  /** Provider-side latency of each streamed answer (request in → first event out). */
  served: Served[];
  options: OpenAiStandinOptions;
  close: () => Promise<void>;
};

const DEFAULT_REPLY =
  'First-line treatment for uncomplicated hypertension includes lifestyle changes and a thiazide diuretic.';

/**
 * Speaks OpenAI's chat-completions API: `POST /v1/chat/completions` with `stream: true` answers
 * `text/event-stream` chunks (`chat.completion.chunk`), an optional usage chunk
 * (`stream_options.include_usage`) and `data: [DONE]`; errors are `{error:{message,type,code}}`.
 */
export async function startOpenAiStandin(options: OpenAiStandinOptions): Promise<OpenAiStandin> {
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
    const error = (status: number, message: string, type: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message, type, param: null, code: null } }));
    };
    if (u.pathname !== '/v1/chat/completions' || req.method !== 'POST') {
      return error(404, 'Unknown request URL', 'invalid_request_error');
    }
    if (req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return error(401, 'Incorrect API key provided', 'invalid_request_error');
    }
    if (faults.hang) return; // never answers; the client must time out
    await sleep(faults.latencyMs ?? 0);
    const status = takeStatus(faults);
    if (status !== undefined) return error(status, 'The server had an error', 'server_error');
    const b = body as {
      stream?: boolean;
      stream_options?: { include_usage?: boolean };
      model?: string;
      messages?: unknown[];
    };
    if (!b.stream) return error(400, 'this stand-in only streams', 'invalid_request_error');

    const id = `chatcmpl-standin${requests.length}`;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta: unknown, finish: string | null) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model: b.model ?? 'standin',
      system_fingerprint: 'fp_standin',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
    const events: unknown[] = [chunk({ role: 'assistant', content: '' }, null)];
    let completionTokens = 0;
    if (options.toolCall) {
      const { name, arguments: args } = options.toolCall;
      events.push(
        chunk(
          {
            tool_calls: [
              { index: 0, id: 'call_standin', type: 'function', function: { name, arguments: '' } },
            ],
          },
          null,
        ),
      );
      for (const part of args.match(/.{1,8}/g) ?? []) {
        events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: part } }] }, null));
        completionTokens++;
      }
      events.push(chunk({}, 'tool_calls'));
    } else {
      for (const word of (faults.reply ?? options.reply ?? DEFAULT_REPLY).split(/(?<= )/)) {
        events.push(chunk({ content: word }, null));
        completionTokens++;
      }
      events.push(chunk({}, 'stop'));
    }
    if (b.stream_options?.include_usage) {
      const promptTokens = Math.ceil(JSON.stringify(b.messages ?? []).length / 4);
      events.push({
        ...chunk({}, null),
        choices: [],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
        },
      });
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    let sent = 0;
    for (const ev of events) {
      if (faults.disconnectAfter !== undefined && sent >= faults.disconnectAfter) {
        res.destroy();
        return;
      }
      if (faults.malformedAfter !== undefined && sent >= faults.malformedAfter) {
        res.write('data: {"id": "broken", "choices": [\n\n');
        res.end();
        return;
      }
      if (sent > 0 && !faults.burst) await sleep(faults.chunkDelayMs ?? 0);
      res.write(`data: ${JSON.stringify(ev)}\n\n`);
      if (sent === 0) recordServed(served, startMs);
      sent++;
    }
    res.end('data: [DONE]\n\n');
  }

  const port = await listen(server, options.port);
  return {
    url: `http://127.0.0.1:${port}/v1`,
    faults,
    requests,
    get preconnects() {
      return preconnects;
    },
    served,
    options,
    close: () => closeServer(server),
  };
}
