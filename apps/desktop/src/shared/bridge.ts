import {
  HotkeyStatusSchema,
  LoginPageUrlSchema,
  OverlayStateSchema,
  PickKindSchema,
  PickReplySchema,
  PushToTalkWireSchema,
  VoiceReportSchema,
  parseBridge,
  type PickKind,
  type PushToTalkWire,
  type VoicePhaseReport,
  type VoiceReport,
} from './bridge-contract.js';
import { ERROR_AREAS, type CodeOf } from './errors.js';
import type { Result } from './result.js';

export {
  MAX_PICKED_PATHS,
  MAX_PICKED_PATH_LENGTH,
  VOICE_PHASES,
  type PickKind,
  type PushToTalkWire,
  type VoicePhaseReport,
  type VoiceReport,
} from './bridge-contract.js';

/**
 * `window.voiceassist`: what the Electron preload exposes to the renderer, and nothing more. The
 * preload receives the MessagePort to the sidecar from main (nonce-checked) and relays text frames
 * and binary audio frames; the renderer never sees Electron, IPC or the port itself.
 *
 * Push-to-talk from the global hotkey (main process) arrives here as the same start/end signal the
 * window's Space key and the on-screen button give:
 *
 *   const off = window.voiceassist.onPushToTalk(({ type }) =>
 *     type === 'down' ? controller.press('hotkey') : controller.release('hotkey'));
 *
 * and the renderer tells main what the turn is doing (for the always-on-top overlay, and so the
 * hotkey's press-to-start fallback learns that a turn ended another way):
 *
 *   controller.subscribe((s) => window.voiceassist.reportVoice(voiceReportOf(s)));
 *
 * `bindGlobalHotkey(bridge, controller)` below does both in one call.
 */
export interface BridgeListener {
  /** A (new) engine connection is open; after an engine restart this fires again. */
  onOpen(): void;
  onMessage(text: string): void;
  onClose(reason: string): void;
}

/** Key-down / key-up of the global hotkey. `at` is in the renderer's own `performance.now()` clock. */
export interface PushToTalkEvent {
  readonly type: 'down' | 'up';
  readonly at: number;
}

/** How the global hotkey behaves right now: hold-to-talk, press-to-start/stop, or not at all. */
export type HotkeyMode = 'hold' | 'toggle' | 'none';

/** The global hotkey's status, for a settings/status line; `error` is a coded, human message. */
export interface HotkeyStatus {
  readonly accelerator: string;
  readonly mode: HotkeyMode;
  readonly error?: { readonly code: string; readonly message: string };
}

/** What the native open dialog picks: files (of the types the engine ingests) or folders. */
export const PICK_KINDS = ['files', 'folder'] as const satisfies readonly PickKind[];

export interface VoiceAssistBridge {
  readonly kind: 'electron';
  /** Asks main for a port to the engine; listener callbacks report its life. */
  connect(listener: BridgeListener): void;
  send(text: string): void;
  /** A binary microphone frame (audio-frame.ts), at most MAX_AUDIO_FRAME_BYTES, relayed as is. */
  sendBinary(data: ArrayBuffer): void;
  close(): void;
  /** Global hotkey key-down/up; returns an unsubscribe function. */
  onPushToTalk(listener: (event: PushToTalkEvent) => void): () => void;
  /** The hotkey's status (replayed at once to a new listener when known). */
  onHotkeyStatus(listener: (status: HotkeyStatus) => void): () => void;
  /** The turn's phase and level (drives the overlay; `held: false` ends a toggled hotkey turn). */
  reportVoice(report: VoiceReport): void;
  /**
   * Opens the native open dialog on this window (several files, or several folders) and gives the
   * chosen absolute paths, `[]` when cancelled. Never rejects: failures are coded (`PICK_*`).
   */
  pickPaths(kind: PickKind): Promise<Result<readonly string[]>>;
  /** Opens the clinic's login page in the system browser (the window itself never navigates). */
  openLoginPage?(url: string): void;
}

export const BRIDGE_KEY = 'voiceassist';

/** IPC channel names between preload and main (checked against this list on both sides). */
export const IPC = {
  requestPort: 'voiceassist:request-port',
  port: 'voiceassist:port',
  engineDown: 'voiceassist:engine-down',
  /** main → main window: `PushToTalkWire`. */
  pushToTalk: 'voiceassist:push-to-talk',
  /** main → main window: `HotkeyStatus`. */
  hotkeyStatus: 'voiceassist:hotkey-status',
  /** main window → main: `VoiceReport`. */
  voiceReport: 'voiceassist:voice-report',
  /** main window → main (invoke): `PickKind` → `Result<string[]>` (absolute paths). */
  pickPaths: 'voiceassist:pick-paths',
  /** main window → main: a login page URL (`LoginPageUrlSchema`) for the system browser. */
  openLoginPage: 'voiceassist:open-login-page',
  /** main → overlay window: `OverlayState`. */
  overlayState: 'voiceassist:overlay-state',
} as const;

/** Push-to-talk as it crosses IPC: `wallAt` = performance.timeOrigin + performance.now() of main. */
/** `window.voiceassistOverlay`: the overlay page's only API (no engine access at all). */
export interface OverlayState {
  readonly phase: Exclude<VoicePhaseReport, 'idle'> | 'idle';
  readonly level: number | null;
}

export interface OverlayBridge {
  onState(listener: (state: OverlayState) => void): () => void;
}

export const OVERLAY_BRIDGE_KEY = 'voiceassistOverlay';

// ---- validation: every message is checked by whoever receives it (main, preloads), against
// its schema in bridge-contract.ts ----

export const parsePushToTalkWire = (x: unknown): PushToTalkWire | null =>
  parseBridge(PushToTalkWireSchema, x);

export const parseVoiceReport = (x: unknown): VoiceReport | null =>
  parseBridge(VoiceReportSchema, x);

export const parseOverlayState = (x: unknown): OverlayState | null =>
  parseBridge(OverlayStateSchema, x);

export const parseHotkeyStatus = (x: unknown): HotkeyStatus | null =>
  parseBridge(HotkeyStatusSchema, x);

export const parseLoginPageUrl = (x: unknown): string | null => parseBridge(LoginPageUrlSchema, x);

export const isPickKind = (x: unknown): x is PickKind => parseBridge(PickKindSchema, x) !== null;

/** Coded failures of `pickPaths` (the dialog itself, or its IPC). */
export const PICK_ERRORS = ERROR_AREAS.pick;
export type PickErrorCode = CodeOf<'pick'>;
export const pickFailure = (code: PickErrorCode): Result<never> => ({
  ok: false,
  error: { code, message: PICK_ERRORS[code] },
});

/** main's answer to `IPC.pickPaths`, checked by the preload; null when it is malformed. */
export const parsePickReply = (x: unknown): Result<readonly string[]> | null =>
  parseBridge(PickReplySchema, x);

// ---- renderer side helper: one call wires the global hotkey into a turn controller ----

/** The part of the renderer's turn controller this needs (structural: shared imports no renderer). */
export interface PushToTalkTarget {
  press(source: 'hotkey'): void;
  release(source: 'hotkey'): void;
  subscribe(listener: (snapshot: VoiceSnapshotLike) => void): () => void;
  readonly state: VoiceSnapshotLike;
}

export interface VoiceSnapshotLike {
  readonly phase: VoicePhaseReport;
  readonly level: number | null;
  readonly heldBy: string | null;
}

export const voiceReportOf = (s: VoiceSnapshotLike): VoiceReport => ({
  phase: s.phase,
  level: s.level,
  held: s.heldBy !== null,
});

/**
 * Global hotkey → `target.press/release('hotkey')`; the target's phase/level → main (only when
 * they change). Returns a function that undoes both. Call it where the turn controller is made.
 */
export function bindGlobalHotkey(
  bridge: Pick<VoiceAssistBridge, 'onPushToTalk' | 'reportVoice'>,
  target: PushToTalkTarget,
): () => void {
  let last = '';
  const report = (s: VoiceSnapshotLike): void => {
    const r = voiceReportOf(s);
    const key = `${r.phase}|${String(r.level)}|${String(r.held)}`;
    if (key === last) return;
    last = key;
    bridge.reportVoice(r);
  };
  const offPtt = bridge.onPushToTalk((e) => {
    if (e.type === 'down') target.press('hotkey');
    else target.release('hotkey');
  });
  const offState = target.subscribe(report);
  report(target.state);
  return () => {
    offPtt();
    offState();
    bridge.reportVoice({ phase: 'idle', level: null, held: false });
  };
}
