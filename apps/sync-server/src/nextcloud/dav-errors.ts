import { AppError } from '../errors.js';

/** A DAV server answered with an HTTP status we must act on. */
export class DavStatusError extends Error {
  override readonly name = 'DavStatusError';
  constructor(readonly status: number) {
    super(`DAV server answered ${status}`);
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

function networkFailure(e: unknown): boolean {
  for (let c: unknown = e, i = 0; c && i < 5; c = (c as { cause?: unknown }).cause, i++) {
    const err = c as { name?: string; code?: string };
    if (err.name === 'AbortError' || err.name === 'TimeoutError') return true;
    if (err.code && NETWORK_CODES.has(err.code)) return true;
    if (err.name === 'TypeError' && /fetch failed/i.test((c as Error).message)) return true;
  }
  return false;
}

/** An HTTP status from Nextcloud (or another DAV server) as the coded error a person can act on. */
export function statusError(status: number, write: boolean): AppError {
  if (status === 401) return new AppError('NEXTCLOUD_AUTH_REVOKED');
  if (status === 403 && write) return new AppError('NEXTCLOUD_READ_ONLY');
  if (status === 403) {
    return new AppError('NEXTCLOUD_NOT_FOUND', 'You have no access to that in Nextcloud.');
  }
  // 409 on PUT/MKCOL: the parent collection is missing.
  if (status === 404 || status === 410 || status === 409)
    return new AppError('NEXTCLOUD_NOT_FOUND');
  if (status === 412) return new AppError('NEXTCLOUD_CONFLICT');
  if (status === 507) return new AppError('NEXTCLOUD_QUOTA_EXCEEDED');
  if (status === 502 || status === 503 || status === 504)
    return new AppError('NEXTCLOUD_UNREACHABLE');
  return new AppError(
    'NEXTCLOUD_ERROR',
    `Nextcloud answered with HTTP ${status}; try again, and tell your administrator if it stays.`,
  );
}

/** Any failure of a call to Nextcloud as a coded error (never its message: it may quote paths). */
export function davError(e: unknown, write: boolean): AppError {
  if (e instanceof AppError) return e;
  if (e instanceof DavStatusError) return statusError(e.status, write);
  const status = (e as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400) return statusError(status, write);
  if (networkFailure(e)) return new AppError('NEXTCLOUD_UNREACHABLE', undefined, { cause: e });
  return new AppError('NEXTCLOUD_ERROR', undefined, { cause: e });
}
