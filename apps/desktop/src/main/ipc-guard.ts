import { APP_HOST, APP_SCHEME } from './app-protocol.js';

/**
 * Who may send a renderer → main message: the expected window's web contents, from its main frame,
 * showing the expected page of our app:// origin. Pure (structural types), so it is unit-tested
 * without Electron; main passes `event.sender` / `event.senderFrame`.
 */
export interface SenderLike {
  readonly sender: unknown;
  readonly senderFrame?: { readonly url: string; readonly parent: unknown } | null;
}

export function isTrustedSender(event: SenderLike, expected: unknown, pathname: string): boolean {
  if (expected === undefined || event.sender !== expected) return false;
  const frame = event.senderFrame;
  if (frame?.parent !== null) return false; // gone (undefined, null) or a sub-frame
  let url: URL;
  try {
    url = new URL(frame.url);
  } catch {
    return false;
  }
  // Not url.origin: WHATWG URL gives non-special schemes (app:) an opaque origin, "null".
  return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.pathname === pathname;
}
