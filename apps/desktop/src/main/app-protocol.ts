import path from 'node:path';
import { safeRelativeSegments } from '../shared/paths.js';

/** The renderer is served from `app://workstation/`, never from file:// (no ambient file access). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'workstation';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * Maps an `app://workstation/...` request to a file inside `rendererDir`, or null (→ 404). Pure, so
 * the traversal rules are unit-tested without Electron.
 */
export function resolveAppRequest(rendererDir: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  const segments = safeRelativeSegments(url.pathname);
  if (!segments) return null;
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, ...segments);
  return file.startsWith(root + path.sep) ? file : null;
}

/** True when `url` belongs to our renderer (sender checks, permission checks). */
export function isAppUrl(url: string | undefined): boolean {
  if (url === undefined) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}
