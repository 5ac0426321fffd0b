import type { EngineConnect } from '../shared/engine-handshake.js';
import { ipcMain, MessageChannelMain, type IpcMainEvent, type WebContents } from 'electron';
import { IPC } from '../shared/bridge.js';
import { isAppUrl } from './app-protocol.js';
import type { Supervisor } from './supervisor.js';

/**
 * Hands each window a MessagePort to the sidecar (VS Code's pattern): the preload asks with a
 * nonce, main checks the sender is our window showing our page, creates a channel, gives one end to
 * the sidecar and the other to the window tagged with the same nonce. After an engine restart the
 * window gets a fresh port under its nonce; while the engine is down it is told so.
 */
export function brokerPorts(window: WebContents, supervisor: Supervisor): () => void {
  let nonce: string | undefined;

  const deliver = (): void => {
    const child = supervisor.runningChild;
    if (nonce === undefined || !child || window.isDestroyed()) return; // delivered once it is up
    const { port1, port2 } = new MessageChannelMain();
    child.postMessage({ t: 'connect' } satisfies EngineConnect, [port1]);
    window.postMessage(IPC.port, nonce, [port2]);
  };

  const onRequest = (event: IpcMainEvent, requestNonce: unknown): void => {
    if (event.sender !== window || !isAppUrl(event.senderFrame?.url)) return; // not our window/page
    if (typeof requestNonce !== 'string' || requestNonce.length < 16) return;
    nonce = requestNonce;
    deliver();
  };

  ipcMain.on(IPC.requestPort, onRequest);
  const off = supervisor.onEvent((event) => {
    if (event.state === 'running') deliver();
    else if (!window.isDestroyed() && (event.state === 'backoff' || event.state === 'failed'))
      window.send(IPC.engineDown, event.state);
  });
  return () => {
    off();
    ipcMain.off(IPC.requestPort, onRequest);
  };
}
