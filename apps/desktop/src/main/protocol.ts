import { pathToFileURL } from 'node:url';
import { net, protocol } from 'electron';
import { securityHeaders } from '../shared/csp.js';
import { contentTypeFor } from '../shared/paths.js';
import { APP_SCHEME, resolveAppRequest } from './app-protocol.js';

/** Must run before `app.whenReady()`: app:// behaves like https (standard, secure origin). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves the built renderer with the strict CSP as a header; anything outside it is a 404. */
export function handleAppProtocol(rendererDir: string): void {
  const headers = securityHeaders();
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppRequest(rendererDir, request.url);
    if (!file) return new Response('Not found', { status: 404, headers });
    const response = await net.fetch(pathToFileURL(file).toString());
    if (!response.ok) return new Response('Not found', { status: 404, headers });
    return new Response(response.body, {
      status: 200,
      headers: { ...headers, 'content-type': contentTypeFor(file) },
    });
  });
}
