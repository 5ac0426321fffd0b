import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { contentTypeFor, safeRelativeSegments } from '../../shared/paths.js';

/**
 * Resolves a request path to a file strictly inside `root` (after symlinks), or null. The shared
 * segment rule refuses `..`, NUL and backslashes; the realpath check catches links out of the tree.
 */
export async function resolveStaticFile(root: string, urlPath: string): Promise<string | null> {
  const segments = safeRelativeSegments(urlPath);
  if (!segments) return null;
  try {
    const realRoot = await realpath(root);
    const real = await realpath(path.join(realRoot, ...segments));
    if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return null;
    return (await stat(real)).isFile() ? real : null;
  } catch {
    return null; // missing file
  }
}

/** Serves GET/HEAD for the built renderer with the given headers; everything else is refused. */
export async function serveStatic(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  headers: Readonly<Record<string, string>>,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...headers, allow: 'GET, HEAD' }).end();
    return;
  }
  const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
  const file = await resolveStaticFile(root, pathname);
  if (!file) {
    res
      .writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' })
      .end('Not found\n');
    return;
  }
  res.writeHead(200, { ...headers, 'content-type': contentTypeFor(file) });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}
