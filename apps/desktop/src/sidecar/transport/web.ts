import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from 'pino';
import { securityHeaders } from '../../shared/csp.js';
import { MAX_MESSAGE_BYTES } from '../../shared/protocol.js';
import {
  WS_PATH,
  WS_PROTOCOL,
  WS_TOKEN_PROTOCOL_PREFIX,
  type SessionFrame,
} from '../../shared/web-mode.js';
import type { RpcServer } from '../rpc/server.js';
import { serveStatic } from './static-files.js';
import { TokenBook } from './tokens.js';
import { handleControl } from './web-control.js';

/** Loopback only: web mode is for this machine, never the network. */
export const WEB_HOST = '127.0.0.1';
/** ws closes (1009) above this; between MAX_MESSAGE_BYTES and this the RPC layer answers RPC_TOO_LARGE. */
const WS_MAX_PAYLOAD = 4 * MAX_MESSAGE_BYTES;

export interface WebTransportOptions {
  readonly rendererDir: string;
  readonly port: number;
  readonly rpc: RpcServer;
  readonly log: Logger;
  /** Enables the control endpoint that mints launch links (web-control.ts) for this secret. */
  readonly controlSecret?: string;
}

export interface WebTransport {
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** The URL to open, carrying the one-time launch token in its fragment. */
  readonly launchUrl: string;
  close(): Promise<void>;
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** Offered subprotocols → the token, if exactly one was offered alongside ours. */
function offeredToken(req: IncomingMessage): string | null {
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  if (!offered.includes(WS_PROTOCOL)) return null;
  const tokens = offered.filter((p) => p.startsWith(WS_TOKEN_PROTOCOL_PREFIX));
  const [only] = tokens;
  return tokens.length === 1 && only !== undefined
    ? only.slice(WS_TOKEN_PROTOCOL_PREFIX.length)
    : null;
}

/**
 * Web mode: serves the built renderer (strict CSP as a header, traversal-safe) and the RPC over a
 * loopback WebSocket. A connection needs a token: the one-time launch token or a session token
 * (each used once, rotating). Host and Origin must be this loopback origin (DNS rebinding).
 */
export async function startWebTransport(options: WebTransportOptions): Promise<WebTransport> {
  const { rendererDir, rpc, log } = options;
  const tokens = new TokenBook();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: WS_MAX_PAYLOAD,
    handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
  let port = 0;
  const origins = (): string[] => [`http://${WEB_HOST}:${port}`, `http://localhost:${port}`];
  const hostAllowed = (req: IncomingMessage): boolean =>
    origins().some((o) => o === `http://${req.headers.host ?? ''}`);
  const headers = (): Record<string, string> =>
    securityHeaders([`ws://${WEB_HOST}:${port}`, `ws://localhost:${port}`]);

  const server = createServer((req, res) => {
    if (!hostAllowed(req)) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' }).end('Wrong host\n');
      return;
    }
    const mint = (): string => `${origins()[0]}/#token=${tokens.mintLaunchToken()}`;
    if (handleControl(req, res, options.controlSecret, mint)) return;
    serveStatic(rendererDir, req, res, headers()).catch(() => res.destroy());
  });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH) return refuse(socket, 404, 'Not Found');
    const origin = req.headers.origin;
    if (!hostAllowed(req) || (origin !== undefined && !origins().includes(origin)))
      return refuse(socket, 403, 'Forbidden');
    const token = offeredToken(req);
    const redemption = token === null ? null : tokens.redeem(token);
    if (!redemption?.ok) {
      log.warn({ reason: redemption?.reason ?? 'missing' }, 'web transport refused a connection');
      return refuse(socket, 401, 'Unauthorized');
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      accept(ws, redemption.session);
    });
  });

  function accept(ws: WebSocket, session: string): void {
    const peer = rpc.attach({ id: `ws-${randomUUID()}`, send: (text) => ws.send(text) });
    ws.send(JSON.stringify({ t: 'session', token: session } satisfies SessionFrame));
    ws.on('message', (data, isBinary) => {
      // Text frames are JSON requests; binary frames are audio (validated by the RPC server).
      const bytes = data as Buffer; // ws's default binaryType: one Buffer per message
      void peer.receive(isBinary ? bytes : bytes.toString('utf8'));
    });
    ws.on('close', () => peer.detach());
    ws.on('error', () => peer.detach());
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, WEB_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    port,
    origin: `http://${WEB_HOST}:${port}`,
    launchUrl: `http://${WEB_HOST}:${port}/#token=${tokens.launchToken}`,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
