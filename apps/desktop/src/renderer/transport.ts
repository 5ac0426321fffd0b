import { BRIDGE_KEY, type VoiceAssistBridge } from '../shared/bridge.js';
import {
  isSessionFrame,
  WS_PATH,
  WS_PROTOCOL,
  WS_TOKEN_PROTOCOL_PREFIX,
} from '../shared/web-mode.js';

/** Why a connection ended, as the UI explains it. */
export type CloseReason = 'refused' | 'no-token' | 'lost';

export interface TransportListener {
  onOpen(): void;
  onMessage(text: string): void;
  onClose(reason: CloseReason): void;
}

/** Both transports look alike to the app: open, send text frames and binary audio frames, close. */
export interface Transport {
  readonly kind: 'electron' | 'web';
  open(listener: TransportListener): void;
  send(text: string): void;
  sendBinary(data: ArrayBuffer): void;
  close(): void;
}

export const SESSION_STORAGE_KEY = 'voiceassist.session';

/** Electron: the preload's bridge, which relays over the MessagePort main handed it. */
export function bridgeTransport(bridge: VoiceAssistBridge): Transport {
  return {
    kind: 'electron',
    open: (listener) =>
      bridge.connect({
        onOpen: () => listener.onOpen(),
        onMessage: (text) => listener.onMessage(text),
        onClose: () => listener.onClose('lost'),
      }),
    send: (text) => bridge.send(text),
    sendBinary: (data) => bridge.sendBinary(data),
    close: () => bridge.close(),
  };
}

/**
 * Web mode: a WebSocket to the page's own origin. The one-time token arrives in the URL fragment;
 * it is removed from the address bar at once and exchanged for a session token kept in this tab's
 * sessionStorage, so reloading the tab reconnects while a copied link does not.
 */
export function webSocketTransport(
  location: Pick<Location, 'host' | 'hash' | 'pathname' | 'search'>,
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>,
  history: Pick<History, 'replaceState'>,
  createSocket: (url: string, protocols: string[]) => WebSocket = (url, protocols) =>
    new WebSocket(url, protocols),
): Transport {
  let socket: WebSocket | undefined;
  const fragmentToken = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fragmentToken !== null) {
    storage.setItem(SESSION_STORAGE_KEY, fragmentToken);
    history.replaceState(null, '', `${location.pathname}${location.search}`);
  }
  return {
    kind: 'web',
    open(listener) {
      const token = storage.getItem(SESSION_STORAGE_KEY);
      if (token === null) {
        listener.onClose('no-token');
        return;
      }
      storage.removeItem(SESSION_STORAGE_KEY); // one use; the server sends its successor
      let opened = false;
      const ws = createSocket(`ws://${location.host}${WS_PATH}`, [
        WS_PROTOCOL,
        `${WS_TOKEN_PROTOCOL_PREFIX}${token}`,
      ]);
      socket = ws;
      ws.onopen = () => {
        opened = true;
        listener.onOpen();
      };
      ws.onmessage = (event: MessageEvent<unknown>) => {
        if (typeof event.data !== 'string') return;
        if (event.data.startsWith('{"t":"session"')) {
          const frame: unknown = JSON.parse(event.data);
          if (isSessionFrame(frame)) storage.setItem(SESSION_STORAGE_KEY, frame.token);
          return;
        }
        listener.onMessage(event.data);
      };
      ws.onclose = () => {
        if (socket === ws) socket = undefined;
        listener.onClose(opened ? 'lost' : 'refused');
      };
    },
    send(text) {
      if (socket?.readyState !== WebSocket.OPEN) throw new Error('not connected');
      socket.send(text);
    },
    sendBinary(data) {
      if (socket?.readyState !== WebSocket.OPEN) throw new Error('not connected');
      socket.send(data);
    },
    close() {
      socket?.close();
      socket = undefined;
    },
  };
}

/** What Electron's preload exposed on `win`; undefined in web mode (a plain browser). */
export function preloadBridge(win: Window): VoiceAssistBridge | undefined {
  return (win as Window & { [BRIDGE_KEY]?: VoiceAssistBridge })[BRIDGE_KEY];
}

/** The bridge when Electron's preload exposed one, else web mode. */
export function detectTransport(win: Window): Transport {
  const bridge = preloadBridge(win);
  if (bridge) return bridgeTransport(bridge);
  return webSocketTransport(win.location, win.sessionStorage, win.history);
}
