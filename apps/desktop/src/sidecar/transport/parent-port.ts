import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { errorInfo } from '../../shared/errors.js';
import { isEngineConnect, type EngineReady } from '../../shared/engine-handshake.js';
import type { RpcServer } from '../rpc/server.js';

/**
 * Electron mode: the sidecar runs as a utilityProcess. Main sends `{ t: 'connect' }` with one end of
 * a MessageChannel per window; the renderer holds the other end (handed over nonce-checked by the
 * preload), so RPC flows renderer ↔ sidecar directly, never through main: JSON text frames, and
 * binary microphone frames (ArrayBuffer) that the RPC server validates like everything else.
 * Electron's types are not available here on purpose (the sidecar is plain Node): these are the
 * few members we use.
 */
interface PortMessageEvent {
  readonly data: unknown;
  readonly ports: readonly MessagePortLike[];
}
interface MessagePortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  on(event: 'close', listener: () => void): void;
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
}
export interface ParentPortLike {
  on(event: 'message', listener: (event: PortMessageEvent) => void): void;
  postMessage(message: unknown): void;
}

export function parentPortOf(proc: NodeJS.Process): ParentPortLike | undefined {
  return (proc as NodeJS.Process & { parentPort?: ParentPortLike }).parentPort;
}

export function serveParentPort(
  parentPort: ParentPortLike,
  rpc: RpcServer,
  log: Logger,
  version: string,
): void {
  parentPort.on('message', (event) => {
    const [port] = event.ports;
    if (!isEngineConnect(event.data) || !port) {
      log.warn(
        { code: errorInfo('HANDSHAKE_INVALID').code },
        'ignored a message from main that is not a port hand-over',
      );
      return;
    }
    const peer = rpc.attach({ id: `port-${randomUUID()}`, send: (text) => port.postMessage(text) });
    port.on('message', (message) => void peer.receive(message.data));
    port.on('close', () => peer.detach());
    port.start();
  });
  parentPort.postMessage({ t: 'ready', version, pid: process.pid } satisfies EngineReady);
}
