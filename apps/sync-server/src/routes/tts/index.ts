import type { ServerResponse } from 'node:http';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { GATEWAY_PATHS, TtsRequest } from '@voiceassist/contract';
import { AppError, isAppError, type ErrorCode } from '../../errors.js';
import {
  abortOnDisconnect,
  FirstByteTimings,
  IdleWatchdog,
  writeOrGone,
} from '../../gateway/http.js';
import { startTts, type StartedTts } from '../../gateway/tts-call.js';
import { classifyElevenLabsError, contentTypeFor } from '../../integrations/elevenlabs.js';

/**
 * Ends the response without its terminating chunk: the audio already written is flushed, then
 * the socket is closed, which every HTTP client reports as an incomplete body.
 */
function breakConnection(res: ServerResponse): void {
  const socket = res.socket;
  if (!socket) return void res.destroy();
  socket.end();
  setTimeout(() => socket.destroy(), 1_000).unref(); // a peer that never closes its side
}

/**
 * `POST /v1/tts/stream`: text in, audio bytes streamed out as they arrive from ElevenLabs.
 * Failures before the first byte are coded JSON errors. After it the status is sent, so a failure
 * breaks the connection (no terminating chunk: fetch rejects the read, curl exits 18) and its
 * code is kept for `GET /v1/calls/:x-request-id`. A complete answer ends normally.
 */
const tts: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  const gw = app.gateway;
  app.post(
    GATEWAY_PATHS.ttsStream,
    { schema: { body: TtsRequest }, onRequest: app.authenticate },
    async (req, reply) => {
      const p = req.principal;
      if (!p) throw new AppError('AUTH_REQUIRED');
      const timings = new FirstByteTimings(reply.elapsedTime);
      gw.deviceFailures.admit(p);
      await gw.limits.admit(p);
      timings.mark('limits');
      const ac = abortOnDisconnect(reply.raw);
      let started: StartedTts;
      try {
        started = await startTts(gw, p, req.body, req.id, ac.signal, req.log, () =>
          timings.mark('guard'),
        );
      } catch (e) {
        if (isAppError(e) && e.code === 'CLIENT_CANCELLED') {
          // Hung up before the first byte: no audio, so no characters billed; the call counts.
          const provider = gw.tts[0]?.name ?? 'elevenlabs';
          const ref = { requestId: req.id, kind: 'tts' as const, provider };
          await gw.meter.record(p, { ...ref, outcome: 'CLIENT_CANCELLED' }, [
            { unit: 'character', quantity: 0 },
          ]);
        }
        throw e;
      }
      const { value, candidate, format } = started;
      const ref = { requestId: req.id, kind: 'tts' as const, provider: candidate.name };
      const characters = [{ unit: 'character' as const, quantity: req.body.text.length }];
      // ElevenLabs bills the request's characters once it starts producing audio: now.
      gw.meter.begin(p, ref, characters);

      timings.mark('provider');
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': contentTypeFor(format),
        'cache-control': 'no-cache',
        'x-request-id': req.id,
        'x-voiceassist-provider': candidate.name,
        'server-timing': timings.header(),
      });
      gw.calls.begin(req.id, p, 'tts', candidate.name);
      let failure: ErrorCode | undefined;
      let next = value.first;
      const idle = new IdleWatchdog(gw.timeoutMs, () => value.abort.abort());
      try {
        while (!next.done) {
          if (!(await writeOrGone(res, next.value))) break;
          next = await value.reader.read();
          idle.touch();
        }
        if (!next.done || ac.signal.aborted) failure = 'CLIENT_CANCELLED';
        else candidate.breaker.success();
      } catch (e) {
        if (ac.signal.aborted) failure = 'CLIENT_CANCELLED';
        else if (idle.fired) failure = 'PROVIDER_TIMEOUT';
        else {
          const code = isAppError(e) ? e.code : classifyElevenLabsError(e).code;
          failure = code === 'PROVIDER_TIMEOUT' ? code : 'PROVIDER_STREAM_BROKEN';
        }
        if (failure !== 'CLIENT_CANCELLED') {
          candidate.breaker.failure();
          req.log.warn({ provider: candidate.name, code: failure }, 'tts stream failed');
        }
      } finally {
        idle.stop();
      }
      if (failure) value.abort.abort();
      // Recorded before the connection breaks, so the client's status request finds it.
      gw.calls.end(req.id, failure ?? 'ok');
      if (!res.destroyed) {
        if (!failure) res.end();
        else breakConnection(res);
      }
      await gw.meter.record(p, { ...ref, outcome: failure ?? 'ok' }, characters);
    },
  );
  done();
};
export default tts;
