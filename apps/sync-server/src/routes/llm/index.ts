import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import {
  AFTER_TRANSCRIPT_HEADER,
  ChatRequest,
  GATEWAY_PATHS,
  parseAfterTranscript,
  SPEAK_AHEAD_HEADER,
  SentenceSplitter,
  parseSpeakAhead,
  spokenTextOf,
} from '@voiceassist/contract';
import { AppError, errorBody, isAppError, type ErrorCode } from '../../errors.js';
import {
  abortOnDisconnect,
  FirstByteTimings,
  estimateTokens,
  IdleWatchdog,
  writeOrGone,
} from '../../gateway/http.js';
import { transcriptHash } from '../../gateway/final-transcripts.js';
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
          const final = await gw.transcripts.wait(p.deviceId, after.turn, gw.timeoutMs);
          if (ac.signal.aborted) throw new AppError('CLIENT_CANCELLED'); // barge-in meanwhile
          if (final === undefined || transcriptHash(final) !== after.sha256)
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
        // Speak-ahead (the workstation asked for it): the first cited sentence goes to TTS from
        // here, while the workstation is still receiving it; its TTS request then claims it.
        let ahead = parseSpeakAhead(req.headers[SPEAK_AHEAD_HEADER] as string | undefined);
        const splitter = ahead ? new SentenceSplitter() : undefined;
        /** The first cited sentence's spoken text, once complete in what was read so far. */
        const firstCited = (delta: string): string | undefined => {
          if (!ahead || !splitter) return undefined;
          for (const sentence of splitter.push(delta)) {
            const spoken = spokenTextOf(sentence, ahead.passages);
            if (spoken !== undefined) return spoken; // else dropped by the workstation: unspoken
          }
          return undefined;
        };
        try {
          while (batch) {
            let speak: string | undefined;
            for (const chunk of batch.chunks) {
              if (chunk.usage) usage = chunk.usage;
              for (const ch of chunk.choices) {
                if (ch.delta.content) speak ??= firstCited(ch.delta.content);
                delivered += ch.delta.content?.length ?? 0;
                for (const t of ch.delta.tool_calls ?? [])
                  delivered += t.function?.arguments?.length ?? 0;
                if (ch.finish_reason) finished = true;
              }
            }
            // The provider's event text as it came: no re-serialisation per chunk. The TTS call
            // for its first cited sentence is held now and starts once this write has left.
            const wrote = batch.text === '' ? true : writeOrGone(res, batch.text);
            if (speak !== undefined && ahead) {
              gw.speakAhead.start(p, req.id, speak, ahead.format, req.log);
              ahead = undefined;
            }
            if (!(await wrote)) break; // client left
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
        if (failure === 'CLIENT_CANCELLED') gw.speakAhead.release(req.id); // barge-in
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
