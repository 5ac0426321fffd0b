import { ERROR_AREAS, type CodeOf } from './errors.js';
import type { Result } from './result.js';

/**
 * `window.voiceassist`: what the Electron preload exposes to the renderer, and nothing more. The
 * preload receives the MessagePort to the sidecar from main (nonce-checked) and relays text frames;
 * the renderer never sees Electron, IPC or the port itself.
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

export const VOICE_PHASES = ['idle', 'starting', 'listening', 'thinking', 'speaking'] as const;
export type VoicePhaseReport = (typeof VOICE_PHASES)[number];

/** What the renderer reports about the current turn (no words, no audio: phase and level only). */
export interface VoiceReport {
  readonly phase: VoicePhaseReport;
  /** Input level in dBFS while listening, else null. */
  readonly level: number | null;
  /** A key/button (any source) is holding the turn open. */
  readonly held: boolean;
}

/** What the native open dialog picks: files (of the types the engine ingests) or folders. */
export const PICK_KINDS = ['files', 'folder'] as const;
export type PickKind = (typeof PICK_KINDS)[number];

export interface VoiceAssistBridge {
  readonly kind: 'electron';
  /** Asks main for a port to the engine; listener callbacks report its life. */
  connect(listener: BridgeListener): void;
  send(text: string): void;
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
  /** main → overlay window: `OverlayState`. */
  overlayState: 'voiceassist:overlay-state',
} as const;

/** Push-to-talk as it crosses IPC: `wallAt` = performance.timeOrigin + performance.now() of main. */
export interface PushToTalkWire {
  readonly type: 'down' | 'up';
  readonly wallAt: number;
}

/** `window.voiceassistOverlay`: the overlay page's only API (no engine access at all). */
export interface OverlayState {
  readonly phase: Exclude<VoicePhaseReport, 'idle'> | 'idle';
  readonly level: number | null;
}

export interface OverlayBridge {
  onState(listener: (state: OverlayState) => void): () => void;
}

export const OVERLAY_BRIDGE_KEY = 'voiceassistOverlay';

// ---- validation: every message is checked by whoever receives it (main, preloads) ----

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** dBFS: -160 … 0 (a little headroom for rounding), or null. */
const parseLevel = (x: unknown): number | null | undefined => {
  if (x === null) return null;
  if (typeof x !== 'number' || !Number.isFinite(x) || x < -200 || x > 10) return undefined;
  return x;
};

const isPhase = (x: unknown): x is VoicePhaseReport =>
  typeof x === 'string' && (VOICE_PHASES as readonly string[]).includes(x);

export function parsePushToTalkWire(x: unknown): PushToTalkWire | null {
  if (!isRecord(x) || (x.type !== 'down' && x.type !== 'up')) return null;
  const { wallAt } = x;
  if (typeof wallAt !== 'number' || !Number.isFinite(wallAt) || wallAt < 0) return null;
  return { type: x.type, wallAt };
}

export function parseVoiceReport(x: unknown): VoiceReport | null {
  if (!isRecord(x) || !isPhase(x.phase) || typeof x.held !== 'boolean') return null;
  const level = parseLevel(x.level);
  if (level === undefined) return null;
  return { phase: x.phase, level, held: x.held };
}

export function parseOverlayState(x: unknown): OverlayState | null {
  if (!isRecord(x) || !isPhase(x.phase)) return null;
  const level = parseLevel(x.level);
  if (level === undefined) return null;
  return { phase: x.phase, level };
}

const MAX_TEXT = 500;
const shortString = (x: unknown): x is string =>
  typeof x === 'string' && x.length > 0 && x.length <= MAX_TEXT;

export function parseHotkeyStatus(x: unknown): HotkeyStatus | null {
  if (!isRecord(x) || !shortString(x.accelerator)) return null;
  if (x.mode !== 'hold' && x.mode !== 'toggle' && x.mode !== 'none') return null;
  if (x.error === undefined) return { accelerator: x.accelerator, mode: x.mode };
  const { error } = x;
  if (!isRecord(error) || !shortString(error.code) || !shortString(error.message)) return null;
  return {
    accelerator: x.accelerator,
    mode: x.mode,
    error: { code: error.code, message: error.message },
  };
}

export const isPickKind = (x: unknown): x is PickKind =>
  typeof x === 'string' && (PICK_KINDS as readonly string[]).includes(x);

/**
 * One pick feeds one `knowledge.ingest`, so it obeys its limits (MAX_INGEST_PATHS, MAX_PATH_LENGTH
 * in knowledge.ts; main's test checks they agree). Repeated here, not imported: the preload bundle
 * stays free of the schema library.
 */
export const MAX_PICKED_PATHS = 100;
export const MAX_PICKED_PATH_LENGTH = 4096;

/** Coded failures of `pickPaths` (the dialog itself, or its IPC). */
export const PICK_ERRORS = ERROR_AREAS.pick;
export type PickErrorCode = CodeOf<'pick'>;
export const pickFailure = (code: PickErrorCode): Result<never> => ({
  ok: false,
  error: { code, message: PICK_ERRORS[code] },
});

const isPath = (x: unknown): x is string =>
  typeof x === 'string' && x.length > 0 && x.length <= MAX_PICKED_PATH_LENGTH;

/** main's answer to `IPC.pickPaths`, checked by the preload; null when it is malformed. */
export function parsePickReply(x: unknown): Result<readonly string[]> | null {
  if (!isRecord(x)) return null;
  if (x.ok === true) {
    const { value } = x;
    if (!Array.isArray(value) || value.length > MAX_PICKED_PATHS || !value.every(isPath))
      return null;
    return { ok: true, value: [...value] };
  }
  const { error } = x;
  if (x.ok !== false || !isRecord(error) || !shortString(error.code)) return null;
  if (typeof error.message !== 'string' || error.message.length > MAX_TEXT) return null;
  return { ok: false, error: { code: error.code, message: error.message } };
}

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
