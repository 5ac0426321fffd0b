/**
 * `window.voiceassist`: what the Electron preload exposes to the renderer, and nothing more. The
 * preload receives the MessagePort to the sidecar from main (nonce-checked) and relays text frames;
 * the renderer never sees Electron, IPC or the port itself.
 */
export interface BridgeListener {
  /** A (new) engine connection is open; after an engine restart this fires again. */
  onOpen(): void;
  onMessage(text: string): void;
  onClose(reason: string): void;
}

export interface VoiceAssistBridge {
  readonly kind: 'electron';
  /** Asks main for a port to the engine; listener callbacks report its life. */
  connect(listener: BridgeListener): void;
  send(text: string): void;
  close(): void;
}

export const BRIDGE_KEY = 'voiceassist';

/** IPC channel names between preload and main (checked against this list on both sides). */
export const IPC = {
  requestPort: 'voiceassist:request-port',
  port: 'voiceassist:port',
  engineDown: 'voiceassist:engine-down',
} as const;
