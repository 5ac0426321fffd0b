import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';

/**
 * Reopening web mode without a restart (#20 item 7). A launch link works once; `voiceassist open`
 * asks the running engine for another. The engine writes, in its profile folder (owner-only, like
 * the store's key file), where it listens and a control secret; the CLI reads it and POSTs to the
 * loopback control endpoint with the secret. A browser cannot: it has no secret and its requests
 * carry an Origin, which the endpoint refuses.
 */
export const WEB_CONTROL_FILE = 'web-mode.json';
export const CONTROL_PATH = '/control/launch-link';

export interface WebControlInfo {
  /** `http://127.0.0.1:<port>` of the running engine. */
  readonly origin: string;
  readonly pid: number;
  readonly secret: string;
}

export const newControlSecret = (): string => randomBytes(32).toString('base64url');

export function writeControlFile(profileDir: string, info: WebControlInfo): string {
  mkdirSync(profileDir, { recursive: true, mode: 0o700 });
  const file = path.join(profileDir, WEB_CONTROL_FILE);
  writeFileSync(file, `${JSON.stringify(info)}\n`, { mode: 0o600 });
  return file;
}

export function removeControlFile(file: string): void {
  rmSync(file, { force: true });
}

/** The control file of a profile, or undefined when no engine announced itself there. */
export function readControlFile(profileDir: string): WebControlInfo | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path.join(profileDir, WEB_CONTROL_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  const r = raw as Partial<WebControlInfo> | null;
  if (
    typeof r?.origin !== 'string' ||
    !/^http:\/\/127\.0\.0\.1:\d+$/.test(r.origin) ||
    typeof r.secret !== 'string' ||
    typeof r.pid !== 'number'
  )
    return undefined;
  return { origin: r.origin, pid: r.pid, secret: r.secret };
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * The engine's side: answers `POST CONTROL_PATH` carrying the secret with a new launch URL.
 * Returns false when the request is not for the control endpoint.
 */
export function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  secret: string | undefined,
  mint: () => string,
): boolean {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== CONTROL_PATH) return false;
  const deny = (status: number): void => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end();
  };
  if (secret === undefined) return (deny(404), true);
  if (req.method !== 'POST') return (deny(405), true);
  if (req.headers.origin !== undefined) return (deny(403), true); // browsers: never
  const offered = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  if (!timingSafeEqual(digest(offered), digest(secret))) return (deny(401), true);
  res
    .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    .end(JSON.stringify({ url: mint() }));
  return true;
}

export class WebControlError extends Error {
  override readonly name = 'WebControlError';
}

/** The CLI's side: a new one-time launch URL from the engine described by `info`. */
export function requestLaunchLink(info: WebControlInfo, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${info.origin}${CONTROL_PATH}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${info.secret}`, 'content-length': '0' },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 200)
            return reject(
              new WebControlError(`the engine refused the request (HTTP ${res.statusCode ?? 0})`),
            );
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { url?: unknown };
            if (typeof body.url !== 'string') throw new Error('no url');
            resolve(body.url);
          } catch {
            reject(new WebControlError('the engine answered with something unexpected'));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new WebControlError('the engine did not answer')));
    req.on('error', (err) =>
      reject(
        err instanceof WebControlError
          ? err
          : new WebControlError('no engine is listening there any more'),
      ),
    );
    req.end();
  });
}
