import type { Principal } from '../devices/devices.js';
import { AppError, type ErrorCode } from '../errors.js';

const WINDOW_MS = 60_000;

/**
 * Codes that mean the device's own request failed: refused as invalid or too large, carrying
 * identifiers, flooding audio, or making our code throw. Provider outages, quotas and the
 * client's own hang-ups are not the device's failures.
 */
const DEVICE_FAULTS: ReadonlySet<ErrorCode> = new Set([
  'BAD_REQUEST',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'PHI_BLOCKED',
  'AUDIO_BACKLOG',
  'INTERNAL',
]);

export const isDeviceFault = (code: ErrorCode, deviceFault = false): boolean =>
  deviceFault || DEVICE_FAULTS.has(code);

/**
 * Per-device limit on failing requests: a device whose requests failed `perMinute` times in the
 * last minute is refused (429 DEVICE_THROTTLED) until that count falls below the limit again.
 * Refusals do not count, so a device that stops recovers within a minute. Each time a device is
 * throttled, `onThrottled` is told once (the audit log records it). Kept per server process.
 */
export class DeviceFailureLimit {
  private readonly failures = new Map<string, { at: number[]; codes: Map<string, number> }>();
  private readonly throttled = new Set<string>();

  constructor(
    private readonly perMinute: number,
    private readonly onThrottled: (p: Principal, counts: Record<string, number>) => void,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(deviceId: string): { at: number[]; codes: Map<string, number> } | undefined {
    const f = this.failures.get(deviceId);
    if (!f) return undefined;
    const now = this.now();
    let expired = 0;
    while (expired < f.at.length && now - (f.at[expired] ?? now) >= WINDOW_MS) expired++;
    if (expired > 0) f.at.splice(0, expired);
    if (f.at.length === 0) {
      this.failures.delete(deviceId);
      this.throttled.delete(deviceId);
      return undefined;
    }
    return f;
  }

  /** Throws DEVICE_THROTTLED while the device is over its limit. */
  admit(p: Principal): void {
    const f = this.recent(p.deviceId);
    if (!f || f.at.length < this.perMinute) {
      this.throttled.delete(p.deviceId);
      return;
    }
    const retryS = Math.max(1, Math.ceil((WINDOW_MS - (this.now() - (f.at[0] ?? 0))) / 1000));
    throw new AppError(
      'DEVICE_THROTTLED',
      `This device's requests failed ${f.at.length} times in the last minute (limit ${this.perMinute}); fix what fails, then retry in ${retryS} s.`,
    );
  }

  /** A request of this device ended with `code`; counted when it was the device's fault. */
  failed(p: Principal, code: ErrorCode, deviceFault = false): void {
    if (!isDeviceFault(code, deviceFault)) return;
    let f = this.recent(p.deviceId);
    if (!f) this.failures.set(p.deviceId, (f = { at: [], codes: new Map() }));
    f.at.push(this.now());
    f.codes.set(code, (f.codes.get(code) ?? 0) + 1);
    if (f.at.length >= this.perMinute && !this.throttled.has(p.deviceId)) {
      this.throttled.add(p.deviceId);
      this.onThrottled(p, Object.fromEntries(f.codes));
      f.codes.clear();
    }
  }
}
