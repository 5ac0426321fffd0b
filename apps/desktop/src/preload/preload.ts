import { contextBridge, ipcRenderer } from 'electron';
import {
  BRIDGE_KEY,
  IPC,
  isPickKind,
  parseHotkeyStatus,
  parseLoginPageUrl,
  parsePickReply,
  parsePushToTalkWire,
  parseVoiceReport,
  pickFailure,
  type BridgeListener,
  type HotkeyStatus,
  type PushToTalkEvent,
  type VoiceAssistBridge,
} from '../shared/bridge.js';
import { MAX_AUDIO_FRAME_BYTES } from '../shared/audio-frame.js';

/**
 * contextBridge only. Asks main for a port to the engine with a nonce, accepts a port only under
 * that nonce, and relays text frames and bounded binary audio frames; the page never touches
 * IPC, Electron or the port itself.
 * Also relays the global hotkey (validated here) and the page's voice reports (validated again in
 * main, which checks the sender), and asks main for the native open dialog (kind checked here and
 * in main, main's answer checked here).
 */
const nonce = crypto.randomUUID();
let port: MessagePort | undefined;
let listener: BridgeListener | undefined;
const pttListeners = new Set<(event: PushToTalkEvent) => void>();
const statusListeners = new Set<(status: HotkeyStatus) => void>();
let lastStatus: HotkeyStatus | undefined;

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

ipcRenderer.on(IPC.pushToTalk, (_event, payload: unknown) => {
  const wire = parsePushToTalkWire(payload);
  if (!wire) return;
  // main's clock → this page's performance.now() clock (both from the same wall clock)
  const event: PushToTalkEvent = { type: wire.type, at: wire.wallAt - performance.timeOrigin };
  for (const l of pttListeners) l(event);
});

ipcRenderer.on(IPC.hotkeyStatus, (_event, payload: unknown) => {
  const status = parseHotkeyStatus(payload);
  if (!status) return;
  lastStatus = status;
  for (const l of statusListeners) l(status);
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
  sendBinary(data) {
    if (!port) throw new Error('engine not connected');
    // Checked here too (the engine validates every field): only bounded binary passes the bridge.
    if (!(data instanceof ArrayBuffer) || data.byteLength > MAX_AUDIO_FRAME_BYTES)
      throw new TypeError('sendBinary: an ArrayBuffer audio frame');
    port.postMessage(data, [data]);
  },
  close() {
    port?.close();
    port = undefined;
  },
  onPushToTalk(l) {
    if (typeof l !== 'function') throw new TypeError('onPushToTalk needs a function');
    pttListeners.add(l);
    return () => void pttListeners.delete(l);
  },
  onHotkeyStatus(l) {
    if (typeof l !== 'function') throw new TypeError('onHotkeyStatus needs a function');
    statusListeners.add(l);
    if (lastStatus) l(lastStatus);
    return () => void statusListeners.delete(l);
  },
  reportVoice(report) {
    const valid = parseVoiceReport(report);
    if (!valid) throw new TypeError('reportVoice: not a voice report');
    ipcRenderer.send(IPC.voiceReport, valid);
  },
  openLoginPage(url) {
    const valid = parseLoginPageUrl(url);
    if (!valid) throw new TypeError('openLoginPage: not a login page URL');
    ipcRenderer.send(IPC.openLoginPage, valid);
  },
  pickPaths(kind) {
    if (!isPickKind(kind)) return Promise.resolve(pickFailure('PICK_REFUSED'));
    return ipcRenderer.invoke(IPC.pickPaths, kind).then(
      (reply: unknown) => parsePickReply(reply) ?? pickFailure('PICK_FAILED'),
      () => pickFailure('PICK_FAILED'), // no handler (yet), or the invoke itself failed
    );
  },
};

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);
