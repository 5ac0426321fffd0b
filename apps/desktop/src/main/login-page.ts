import { parseLoginPageUrl } from '../shared/bridge.js';
import { isTrustedSender, type SenderLike } from './ipc-guard.js';

/**
 * The browser sign-in's login page (RFC 8252: the system browser, never a window of ours), behind
 * `IPC.openLoginPage`. Only the main window's app page may ask, and only for a URL the bridge
 * schema accepts (https, or http on this machine); anything else is dropped. Pure apart from
 * `openExternal` (Electron's `shell.openExternal`), so it is unit-tested without Electron.
 */
export function openLoginPageHandler(deps: {
  contents: unknown;
  pathname: string;
  openExternal: (url: string) => Promise<void>;
  onRefused?: (why: string) => void;
}): (event: SenderLike, url: unknown) => void {
  return (event, url) => {
    if (!isTrustedSender(event, deps.contents, deps.pathname)) {
      deps.onRefused?.('sender');
      return;
    }
    const valid = parseLoginPageUrl(url);
    if (valid === null) {
      deps.onRefused?.('url');
      return;
    }
    deps.openExternal(valid).catch(() => deps.onRefused?.('open'));
  };
}
