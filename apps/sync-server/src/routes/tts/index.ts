import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { GATEWAY_PATHS, TTS_ERROR_TRAILER, TtsRequest } from '@voiceassist/contract';
import { AppError, isAppError, type ErrorCode } from '../../errors.js';
import { abortOnDisconnect, writeOrGone } from '../../gateway/http.js';
import { startCall, within } from '../../gateway/resilience.js';
import { classifyElevenLabsError, contentTypeFor } from '../../integrations/elevenlabs.js';

/**
 * `POST /v1/tts/stream`: text in, audio bytes streamed out as they arrive from ElevenLabs.
 * Failures before the first byte are coded JSON errors; after it, the body ends and the
 * `x-voiceassist-error` trailer carries the code (a complete body has no such trailer).
 */
const tts: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  const gw = app.gateway;
  app.post(
    GATEWAY_PATHS.ttsStream,
    { schema: { body: TtsRequest }, preHandler: app.authenticate },
    async (req, reply) => {
      const p = req.principal;
      if (!p) throw new AppError('AUTH_REQUIRED');
      await gw.limits.admit(p);
      const ac = abortOnDisconnect(reply.raw);
      let format = '';
      const { value, candidate } = await startCall({
        candidates: gw.tts,
        before: (c) => gw.guard.check(p, c.name, 'tts', [req.body.text], req.id),
        start: async (c) => {
          const d = c.provider.defaults;
          format = req.body.outputFormat ?? d.outputFormat;
          const attempt = new AbortController();
          const abort = () => attempt.abort();
          ac.signal.addEventListener('abort', abort, { once: true });
          const body = await within(
            c.provider.stream(
              {
                text: req.body.text,
                voiceId: req.body.voiceId ?? d.voiceId,
                modelId: req.body.modelId ?? d.modelId,
                outputFormat: format,
              },
              attempt.signal,
            ),
            gw.timeoutMs,
            abort,
          );
          const reader = body.getReader();
          const first = await within(reader.read(), gw.timeoutMs, abort);
          return { reader, first, abort: attempt };
        },
        classify: classifyElevenLabsError,
        onFailure: (c, code) => req.log.warn({ provider: c.name, code }, 'tts provider failed'),
      });

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': contentTypeFor(format),
        'cache-control': 'no-cache',
        trailer: TTS_ERROR_TRAILER,
        'x-request-id': req.id,
        'x-voiceassist-provider': candidate.name,
      });
      let bytes = 0;
      let failure: ErrorCode | undefined;
      let next = value.first;
      try {
        while (!next.done) {
          bytes += next.value.length;
          if (!(await writeOrGone(res, next.value))) break;
          next = await within(value.reader.read(), gw.timeoutMs, () => value.abort.abort());
        }
        if (next.done) candidate.breaker.success();
        else value.abort.abort();
      } catch (e) {
        value.abort.abort();
        const code = isAppError(e) ? e.code : classifyElevenLabsError(e).code;
        failure = code === 'PROVIDER_TIMEOUT' ? code : 'PROVIDER_STREAM_BROKEN';
        if (!ac.signal.aborted) candidate.breaker.failure();
        req.log.warn({ provider: candidate.name, code: failure }, 'tts stream failed');
      }
      if (!res.destroyed) {
        if (failure) res.addTrailers({ [TTS_ERROR_TRAILER]: failure });
        res.end();
      }
      // ElevenLabs bills the request's characters once it starts producing audio.
      await gw.meter.record(
        p,
        {
          requestId: req.id,
          kind: 'tts',
          provider: candidate.name,
          outcome: failure ?? (ac.signal.aborted ? 'client_closed' : 'ok'),
        },
        [{ unit: 'character', quantity: bytes > 0 ? req.body.text.length : 0 }],
      );
    },
  );
  done();
};
export default tts;
