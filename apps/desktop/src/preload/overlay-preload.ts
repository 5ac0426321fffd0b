import { contextBridge, ipcRenderer } from 'electron';
import {
  IPC,
  OVERLAY_BRIDGE_KEY,
  parseOverlayState,
  type OverlayBridge,
  type OverlayState,
} from '../shared/bridge.js';

/**
 * The overlay window's preload: one inbound channel (the turn's phase and input level, relayed by
 * main from the main window), validated here. No engine port, nothing the page can send.
 */
const listeners = new Set<(state: OverlayState) => void>();
let last: OverlayState | undefined;

ipcRenderer.on(IPC.overlayState, (_event, payload: unknown) => {
  const state = parseOverlayState(payload);
  if (!state) return;
  last = state;
  for (const l of listeners) l(state);
});

const bridge: OverlayBridge = {
  onState(l) {
    if (typeof l !== 'function') throw new TypeError('onState needs a function');
    listeners.add(l);
    if (last) l(last);
    return () => void listeners.delete(l);
  },
};

contextBridge.exposeInMainWorld(OVERLAY_BRIDGE_KEY, bridge);
