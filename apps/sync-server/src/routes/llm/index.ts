import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import {
  AFTER_TRANSCRIPT_HEADER,
  ChatRequest,
  GATEWAY_PATHS,
  parseAfterTranscript,
} from '@voiceassist/contract';
import { AppError, errorBody, isAppError, type ErrorCode } from '../../errors.js';
import {
  abortOnDisconnect,
  FirstByteTimings,
  estimateTokens,
  IdleWatchdog,
  writeOrGone,
} from '../../gateway/http.js';
import { startCall, within } from '../../gateway/resilience.js';
import {
  classifyOpenAiError,
  type ChatBatch,
  type ChatCompletionChunk,
} from '../../integrations/openai.js';

/** Every piece of text that would reach the provider: message contents and tool-call arguments. */
export function chatTexts(req: ChatRequest): string[] {
  const out: string[] = [];
  for (const m of req.messages) {
    if (typeof m.content === 'string') out.push(m.content);
    else if (Array.isArray(m.content)) for (const part of m.content) out.push(part.text);
    for (const call of m.tool_calls ?? []) out.push(call.function.arguments);
  }
  return out;
}

const sse = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;

/**
 * `POST /v1/llm/chat` (alias `/v1/llm/chat/completions`, so the openai SDK can use the gateway as
 * its baseURL): OpenAI chat-completions in, SSE chunks out, relayed with the openai SDK.
 */
const llm: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  const gw = app.gateway;
  for (const url of [GATEWAY_PATHS.llmChat, `${GATEWAY_PATHS.llmChat}/completions`]) {
    app.post(
      url,
      { schema: { body: ChatRequest }, preHandler: app.authenticate },
      async (req, reply) => {
        const p = req.principal;
        if (!p) throw new AppError('AUTH_REQUIRED');
        const timings = new FirstByteTimings(reply.elapsedTime);
        await gw.limits.admit(p);
        timings.mark('limits');
        // Prepared while STT was finalizing: sent on only for the final transcript it was made for.
        const after = parseAfterTranscript(
          req.headers[AFTER_TRANSCRIPT_HEADER] as string | undefined,
        );
        const ac = abortOnDisconnect(reply.raw);
        const texts = chatTexts(req.body);
        if (after) {
          gw.guard.scan(texts); // while waiting: the guard's check below then finds them known
          const final = await gw.transcripts.wait(p.deviceId, after.turn, gw.timeoutMs); // a hash
          if (ac.signal.aborted) throw new AppError('CLIENT_CANCELLED'); // barge-in meanwhile
          if (final === undefined || final !== after.sha256)
            throw new AppError('TRANSCRIPT_CHANGED');
          timings.mark('transcript');
        }
        const inputChars = texts.reduce((n, t) => n + t.length, 0);
        const { value, candidate } = await startCall({
          candidates: gw.llm,
          before: (c) => gw.guard.check(p, c.name, 'llm', texts, req.id),
          start: async (c) => {
            timings.mark('guard');
            const attempt = new AbortController();
            const abort = () => attempt.abort();
            ac.signal.addEventListener('abort', abort, { once: true });
            const reader = await within(
              c.provider.stream(req.body, attempt.signal),
              gw.timeoutMs,
              abort,
            );
            const first = await within(reader.next(), gw.timeoutMs, abort);
            return { reader, first, abort: attempt };
          },
          classify: classifyOpenAiError,
          onFailure: (c, code) => req.log.warn({ provider: c.name, code }, 'llm provider failed'),
        });

        timings.mark('provider');
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          'x-accel-buffering': 'no',
          'x-request-id': req.id,
          'x-voiceassist-provider': candidate.name,
          'server-timing': timings.header(),
        });
        gw.calls.begin(req.id, p, 'llm', candidate.name);
        let delivered = 0;
        let usage: ChatCompletionChunk['usage'] = undefined;
        let finished = false;
        let failure: ErrorCode | undefined;
        let batch: ChatBatch | null = value.first;
        // One idle timer per stream (not a timer and a Promise.race per chunk).
        const idle = new IdleWatchdog(gw.timeoutMs, () => value.abort.abort());
        try {
          while (batch) {
            for (const chunk of batch.chunks) {
              if (chunk.usage) usage = chunk.usage;
              for (const ch of chunk.choices) {
                delivered += ch.delta.content?.length ?? 0;
                for (const t of ch.delta.tool_calls ?? [])
                  delivered += t.function?.arguments?.length ?? 0;
                if (ch.finish_reason) finished = true;
              }
            }
            // The provider's event text as it came: no re-serialisation per chunk.
            const wrote = batch.text === '' ? true : await writeOrGone(res, batch.text);
            if (!wrote) break; // client left
            if (batch.done) break;
            batch = await value.reader.next();
            idle.touch();
          }
          if (ac.signal.aborted || res.destroyed) failure = 'CLIENT_CANCELLED';
          else if (!finished)
            throw new AppError(
              'PROVIDER_STREAM_BROKEN',
              'The provider stream ended without a finish reason.',
            );
          else candidate.breaker.success();
        } catch (e) {
          if (ac.signal.aborted)
            failure = 'CLIENT_CANCELLED'; // our abort, not the provider's fault
          else if (idle.fired) failure = 'PROVIDER_TIMEOUT';
          else {
            const code: ErrorCode = isAppError(e) ? e.code : classifyOpenAiError(e).code;
            failure = code === 'PROVIDER_ERROR' ? 'PROVIDER_STREAM_BROKEN' : code;
          }
          if (failure !== 'CLIENT_CANCELLED') {
            candidate.breaker.failure();
            req.log.warn({ provider: candidate.name, code: failure }, 'llm stream failed');
          }
        } finally {
          idle.stop();
        }
        if (failure) value.abort.abort(); // stop paying for tokens nobody will read
        value.reader.cancel();
        gw.calls.end(req.id, failure ?? 'ok');
        if (!res.destroyed) {
          res.end(failure ? sse(errorBody(failure)) : 'data: [DONE]\n\n');
        }
        await gw.meter.record(
          p,
          {
            requestId: req.id,
            kind: 'llm',
            provider: candidate.name,
            outcome: failure ?? 'ok',
          },
          [
            { unit: 'input_token', quantity: usage?.prompt_tokens ?? estimateTokens(inputChars) },
            {
              unit: 'output_token',
              quantity: usage?.completion_tokens ?? estimateTokens(delivered),
            },
          ],
        );
      },
    );
  }
  done();
};
export default llm;
