/**
 * Web mode: the renderer in any Chromium, talking to the sidecar over a loopback WebSocket. These
 * constants are the transport's contract between the sidecar (server) and the renderer (client).
 */
export const WS_PATH = '/rpc';
/** The subprotocol the server selects. */
export const WS_PROTOCOL = 'voiceassist.v1';
/** The token travels as a second offered subprotocol, so it never appears in a URL or a log line. */
export const WS_TOKEN_PROTOCOL_PREFIX = 'voiceassist.token.';
/** First frame on every accepted socket: the session token that replaces the one just used. */
export interface SessionFrame {
  readonly t: 'session';
  readonly token: string;
}
export const isSessionFrame = (value: unknown): value is SessionFrame =>
  typeof value === 'object' &&
  value !== null &&
  (value as { t?: unknown }).t === 'session' &&
  typeof (value as { token?: unknown }).token === 'string';

/** The one line the web-mode launcher prints on stdout when it is ready (launchers parse it). */
export const READY_LINE_PREFIX = 'workstation ready at ';
export const readyLine = (url: string): string => `${READY_LINE_PREFIX}${url}`;
/** Matches the ready line; group 1 is the URL to open (it carries `#token=`). */
export const READY_LINE_PATTERN =
  /^workstation ready at (http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+)$/;
