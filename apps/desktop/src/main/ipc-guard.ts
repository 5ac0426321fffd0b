import { APP_ORIGIN } from './app-protocol.js';

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
  return url.origin === APP_ORIGIN && url.pathname === pathname;
}
