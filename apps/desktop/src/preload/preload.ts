import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_KEY, IPC, type BridgeListener, type VoiceAssistBridge } from '../shared/bridge.js';

/**
 * contextBridge only. Asks main for a port to the engine with a nonce, accepts a port only under
 * that nonce, and relays text frames; the page never touches IPC, Electron or the port itself.
 */
const nonce = crypto.randomUUID();
let port: MessagePort | undefined;
let listener: BridgeListener | undefined;

ipcRenderer.on(IPC.port, (event, receivedNonce: unknown) => {
  const [next] = event.ports;
  if (receivedNonce !== nonce || !next) return; // not the port we asked for
  if (port) {
    port.close();
    listener?.onClose('engine restarted');
  }
  port = next;
  port.onmessage = (message: MessageEvent<unknown>) => {
    if (typeof message.data === 'string') listener?.onMessage(message.data);
  };
  port.start();
  listener?.onOpen();
});

ipcRenderer.on(IPC.engineDown, () => {
  if (!port) return; // already reported
  port.close();
  port = undefined;
  listener?.onClose('engine stopped');
});

const bridge: VoiceAssistBridge = {
  kind: 'electron',
  connect(next) {
    listener = next;
    ipcRenderer.send(IPC.requestPort, nonce);
  },
  send(text) {
    if (!port) throw new Error('engine not connected');
    port.postMessage(text);
  },
  close() {
    port?.close();
    port = undefined;
  },
};

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);
