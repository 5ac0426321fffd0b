import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import {
  AFTER_TRANSCRIPT_HEADER,
  ChatRequest,
  GATEWAY_PATHS,
  parseAfterTranscript,
} from '@voiceassist/contract';
import { AppError } from '../../errors.js';
import type { ChatSink } from '../../gateway/chat-relay.js';
import { abortOnDisconnect, FirstByteTimings, writeOrGone } from '../../gateway/http.js';

/** A header that is present must parse: a malformed one is refused, not silently ignored. */
function header<T>(
  value: string | string[] | undefined,
  name: string,
  parse: (v: string | undefined) => T | undefined,
): T | undefined {
  if (value === undefined) return undefined;
  const parsed = typeof value === 'string' ? parse(value) : undefined;
  if (parsed === undefined) throw new AppError('BAD_REQUEST', `The ${name} header is malformed.`);
  return parsed;
}

/**
 * `POST /v1/llm/chat` (alias `/v1/llm/chat/completions`, so the openai SDK can use the gateway as
 * its baseURL): authenticated before the body is read, validated, then relayed by the chat relay
 * (gateway/chat-relay.ts) onto this response.
 */
const llm: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  const gw = app.gateway;
  for (const url of [GATEWAY_PATHS.llmChat, `${GATEWAY_PATHS.llmChat}/completions`]) {
    app.post(
      url,
      { schema: { body: ChatRequest }, onRequest: app.authenticate },
      async (req, reply) => {
        const p = req.principal;
        if (!p) throw new AppError('AUTH_REQUIRED');
        const timings = new FirstByteTimings(reply.elapsedTime);
        gw.deviceFailures.admit(p);
        await gw.limits.admit(p);
        timings.mark('limits');
        // Prepared while STT was finalizing: sent on only for the final transcript it was made for.
        const after = header(
          req.headers[AFTER_TRANSCRIPT_HEADER],
          AFTER_TRANSCRIPT_HEADER,
          parseAfterTranscript,
        );
        const res = reply.raw;
        const sink: ChatSink = {
          open: (headers) => {
            reply.hijack();
            res.writeHead(200, headers);
          },
          write: (text) => writeOrGone(res, text),
          end: (text) => {
            if (!res.destroyed) res.end(text);
          },
          get gone() {
            return res.destroyed;
          },
        };
        const call = {
          principal: p,
          requestId: req.id,
          request: req.body,
          after,
          signal: abortOnDisconnect(res).signal,
          log: req.log,
          timings,
        };
        await gw.chat.relay(call, sink);
      },
    );
  }
  done();
};
export default llm;
