import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { Value } from 'typebox/value';
import {
  GATEWAY_PATHS,
  STT_TURN_PARAM,
  SttClientMessage,
  WS_CLOSE_AUTH_REVOKED,
  isTurnId,
  joinTranscript,
} from '@voiceassist/contract';
import { AppError, errorBody, isAppError, type ErrorCode } from '../../errors.js';
import { localFailure, startCall, within, type Classified } from '../../gateway/resilience.js';
import type { SttMessage, SttSession } from '../../integrations/deepgram.js';

const BYTES_PER_SECOND = 16_000 * 2;
/** Audio held while the provider socket opens: 5 s; more means the client ignores back-pressure. */
const MAX_PENDING_BYTES = 5 * BYTES_PER_SECOND;

/** Opening the provider's socket failed: its doing, unless our own code threw. */
function classifySttOpenError(e: unknown): Classified {
  const local = e instanceof TypeError || e instanceof RangeError || e instanceof SyntaxError;
  return local ? localFailure : { code: 'PROVIDER_ERROR', retryable: true, provider: true };
}

/**
 * `GET /v1/stt/live` (WebSocket): PCM frames in, Deepgram's messages out. The provider socket
 * is opened (with retry/fallback: nothing has been sent yet, so that is safe) when the client
 * connects; audio that arrives meanwhile is held and sent once it is open.
 */
const stt: FastifyPluginCallback = (app, _opts, done) => {
  const gw = app.gateway;
  app.get(
    GATEWAY_PATHS.sttLive,
    {
      websocket: true,
      onRequest: app.authenticate,
      preHandler: async (req: FastifyRequest) => {
        if (!req.principal) throw new AppError('AUTH_REQUIRED');
        gw.deviceFailures.admit(req.principal);
        await gw.limits.admit(req.principal);
        if (gw.stt.length === 0) throw new AppError('PROVIDER_NOT_CONFIGURED');
      },
    },
    (socket: WebSocket, req: FastifyRequest) => {
      const p = req.principal;
      if (!p) return socket.close(1008, 'AUTH_REQUIRED');
      gw.preconnect(); // the answer's LLM and TTS calls follow the end of this stream
      // The turn this stream belongs to, if the workstation named it: a chat request prepared
      // while STT finalizes waits for this stream's final transcript (see the chat route).
      const named = (req.query as Record<string, unknown>)[STT_TURN_PARAM];
      const turn = typeof named === 'string' && isTurnId(named) ? named : undefined;
      if (turn) gw.transcripts.open(p.deviceId, turn);
      const finals: string[] = [];
      const ac = new AbortController();
      let session: SttSession | undefined;
      let providerName = gw.stt[0]?.name ?? 'deepgram';
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      let bytesSent = 0;
      let finalizePending = false;
      let closing = false; // client asked to close: the provider's close is the normal end
      let ended = false;
      let failure: ErrorCode | undefined;
      let watchdog: NodeJS.Timeout | undefined;

      const finish = (code: number, outcome: ErrorCode | undefined, message?: string) => {
        if (ended) return;
        ended = true;
        failure = outcome;
        if (turn) gw.transcripts.end(p.deviceId, turn);
        clearTimeout(watchdog);
        untrack();
        if (outcome && socket.readyState === socket.OPEN) {
          socket.send(JSON.stringify({ type: 'Error', ...errorBody(outcome, message) }));
        }
        if (socket.readyState === socket.OPEN) socket.close(code, outcome ?? '');
        ac.abort();
        try {
          session?.close();
        } catch {
          /* already closed */
        }
        // Only a session that opened can blame the provider here: a failure to open was already
        // judged by startCall, and a client's flood or hang-up says nothing about the provider.
        const breaker = gw.breakers.get(providerName);
        if (session && outcome?.startsWith('PROVIDER_')) breaker?.failure();
        else if (session) breaker?.success();
        if (outcome) gw.deviceFailures.failed(p, outcome);
        void gw.meter.record(
          p,
          { requestId: req.id, kind: 'stt', provider: providerName, outcome: failure ?? 'ok' },
          audio(),
        );
      };
      // Revoking the device, the session or the user closes the stream with the reason's code.
      const untrack = app.liveConnections.track(p, (_code, reason) =>
        reason === 'AUTH_SESSION_REVOKED' || reason === 'AUTH_DEVICE_REVOKED'
          ? finish(WS_CLOSE_AUTH_REVOKED, reason)
          : finish(WS_CLOSE_AUTH_REVOKED, 'AUTH_INVALID', 'The device key was revoked.'),
      );
      // The provider must answer audio within the timeout, or the session is failed.
      const armWatchdog = () => {
        watchdog ??= setTimeout(() => finish(1011, 'PROVIDER_TIMEOUT'), gw.timeoutMs);
      };
      const audio = () => [
        { unit: 'audio_second' as const, quantity: bytesSent / BYTES_PER_SECOND },
      ];
      const send = (pcm: Buffer) => {
        session?.sendAudio(pcm);
        bytesSent += pcm.length;
        gw.meter.progress(req.id, audio());
        armWatchdog();
      };

      socket.on('message', (data: Buffer, isBinary: boolean) => {
        if (ended) return;
        if (isBinary) {
          if (session) return send(data);
          pendingBytes += data.length;
          // The client ignores that nothing is being transcribed yet: its fault, not the provider's.
          if (pendingBytes > MAX_PENDING_BYTES) return finish(1008, 'AUDIO_BACKLOG');
          pending.push(data);
          return;
        }
        let msg: unknown;
        try {
          msg = JSON.parse(data.toString('utf8'));
        } catch {
          msg = undefined;
        }
        if (!Value.Check(SttClientMessage, msg)) {
          gw.deviceFailures.failed(p, 'BAD_REQUEST');
          socket.send(
            JSON.stringify({
              type: 'Error',
              ...errorBody('BAD_REQUEST', 'Expected {"type":"finalize"|"close"|"keepalive"}.'),
            }),
          );
          return;
        }
        if (msg.type === 'close') closing = true;
        if (msg.type === 'finalize' && !session) finalizePending = true;
        if (!session) return; // applied once open (see below)
        if (msg.type === 'finalize') session.finalize();
        else if (msg.type === 'close') session.closeStream();
        else session.keepAlive();
      });
      // The client hung up without asking to close: a cancel (barge-in), metered as such.
      socket.on('close', () => finish(1000, closing ? failure : 'CLIENT_CANCELLED'));

      // Callbacks count only once this attempt's socket is open; before that, failures are the
      // open attempt's (retried or fallen back by startCall).
      let opened = false;
      const onMessage = (m: SttMessage, raw: string) => {
        if (ended || !opened) return;
        clearTimeout(watchdog);
        watchdog = undefined;
        socket.send(raw);
        if (!turn || m.type !== 'Results') return;
        // Deepgram's results as the workstation reads them: finals accumulate; the result
        // answering the finalize completes the transcript.
        const r = m as Readonly<{
          is_final?: unknown;
          from_finalize?: unknown;
          channel?: { alternatives?: { transcript?: unknown }[] };
        }>;
        const text = r.channel?.alternatives?.[0]?.transcript;
        if (r.is_final === true) finals.push(typeof text === 'string' ? text : '');
        if (r.from_finalize === true)
          gw.transcripts.finalize(p.deviceId, turn, joinTranscript(finals));
      };
      const onClose = (code: number) => {
        if (ended || !opened) return;
        if (closing && code === 1000) finish(1000, undefined);
        else finish(1011, 'PROVIDER_STREAM_BROKEN', `The provider closed the stream (${code}).`);
      };
      const onError = () => opened && finish(1011, 'PROVIDER_STREAM_BROKEN');

      startCall({
        candidates: gw.stt,
        before: () => Promise.resolve(), // audio, not text: the text guard does not apply (README)
        start: (c) => {
          providerName = c.name;
          // The attempt is aborted by our timeout or by the session's end; only the latter is
          // the client's doing (startCall reads `ac.signal` to tell them apart).
          const attempt = new AbortController();
          ac.signal.addEventListener('abort', () => attempt.abort(), { once: true });
          return within(
            c.provider.open({ onMessage, onClose, onError }, attempt.signal),
            gw.timeoutMs,
            () => attempt.abort(),
          );
        },
        classify: classifySttOpenError,
        signal: ac.signal,
        onFailure: (c, k) =>
          req.log.warn({ provider: c.name, code: k.code }, 'stt provider failed'),
      }).then(
        ({ value }) => {
          if (ended) return value.close();
          opened = true;
          session = value;
          gw.meter.begin(p, { requestId: req.id, kind: 'stt', provider: providerName }, audio());
          for (const b of pending) send(b);
          pending = [];
          if (finalizePending) value.finalize();
          if (closing) value.closeStream();
        },
        (e: unknown) => finish(1011, isAppError(e) ? e.code : 'PROVIDER_ERROR'),
      );
    },
  );
  done();
};
export default stt;
