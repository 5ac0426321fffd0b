import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { identityError } from './errors.js';

/** What the IdP sent back to the loopback redirect. */
export type AuthorizationResponse =
  | { kind: 'code'; code: string; state: string; iss: string | undefined }
  | { kind: 'error'; error: string; description: string | undefined };

export type LoopbackReceiver = Readonly<{
  /** http://127.0.0.1:PORT/PATH — what the server tells the IdP to redirect to. */
  redirectUri: string;
  /**
   * Waits for the redirect carrying `state`. Requests with another state (a stale tab, a page
   * trying its luck) get an error page and are otherwise ignored; the wait goes on.
   */
  wait: (state: string, timeoutMs: number, signal?: AbortSignal) => Promise<AuthorizationResponse>;
  close: () => Promise<void>;
}>;

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  // The page is ours and static: nothing may load or run in it.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
};

const page = (title: string, text: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>` +
  '<style>body{font:16px system-ui,sans-serif;margin:4em auto;max-width:32em;color:#222}</style>' +
  `</head><body><h1>${title}</h1><p>${text}</p></body></html>`;

/**
 * The RFC 8252 §7.3 loopback redirect receiver: an HTTP listener on 127.0.0.1 (an IP literal,
 * not "localhost") on an ephemeral port (or the port the clinic's IdP registration needs),
 * for one sign-in. It answers the browser with a page that says to return to VoiceAssist.
 */
export async function startLoopbackReceiver(
  opts: { port?: number; path?: string } = {},
): Promise<LoopbackReceiver> {
  const path = opts.path ?? '/callback';
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) =>
      reject(identityError('LOOPBACK_UNAVAILABLE', (e as NodeJS.ErrnoException).code)),
    );
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const redirectUri = `http://127.0.0.1:${port}${path}`;
  let expected: { state: string; done: (r: AuthorizationResponse) => void } | undefined;

  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', redirectUri);
    if (req.method !== 'GET' || url.pathname !== path) {
      res.writeHead(404, PAGE_HEADERS);
      return void res.end(page('Not found', 'Nothing here.'));
    }
    const q = url.searchParams;
    const waiting = expected;
    if (waiting?.state !== q.get('state')) {
      res.writeHead(400, PAGE_HEADERS);
      return void res.end(
        page(
          'Sign-in not recognised',
          'This page does not belong to the sign-in VoiceAssist is waiting for. Return to VoiceAssist and start again if needed.',
        ),
      );
    }
    const error = q.get('error');
    const code = q.get('code');
    const done = waiting.done;
    expected = undefined;
    if (error !== null || code === null) {
      res.writeHead(200, PAGE_HEADERS);
      res.end(page('Sign-in not completed', 'Return to VoiceAssist to try again.'));
      return done({
        kind: 'error',
        error: error ?? 'invalid_response',
        description: q.get('error_description') ?? undefined,
      });
    }
    res.writeHead(200, PAGE_HEADERS);
    res.end(page('Signed in', 'You can close this tab and return to VoiceAssist.'));
    done({ kind: 'code', code, state: q.get('state') ?? '', iss: q.get('iss') ?? undefined });
  });

  return {
    redirectUri,
    wait: (state, timeoutMs, signal) =>
      new Promise<AuthorizationResponse>((resolve, reject) => {
        const timer = setTimeout(
          () => finish(() => reject(identityError('LOGIN_TIMEOUT'))),
          timeoutMs,
        );
        const onAbort = () => finish(() => reject(identityError('LOGIN_CANCELLED')));
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          expected = undefined;
          settle();
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort);
        expected = { state, done: (r) => finish(() => resolve(r)) };
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
