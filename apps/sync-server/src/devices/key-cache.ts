import type pg from 'pg';
import { hashKey, lookupKeyHash, touchDevice, type Principal } from './devices.js';

/** Upper bound on how long a verified key is trusted without asking PostgreSQL again. */
export const KEY_CACHE_TTL_MS = 60_000;
const TOUCH_EVERY_MS = 60_000;
const MAX_ENTRIES = 10_000;

type Entry = { principal: Principal; expiresAt: number; touchedAt: number };

/**
 * Verified device keys, so a request costs a SHA-256 and a Map lookup instead of a PostgreSQL
 * round trip. Correctness rests on eviction, not on the TTL: a revocation's NOTIFY evicts the
 * device at once, a periodic check (`deviceIds` → `revokedAmong`) catches revocations written
 * without NOTIFY, and while the LISTEN connection is down the cache is off (`setEnabled(false)`)
 * so every request goes to PostgreSQL. Unknown keys are never cached (a new key works at once).
 */
export class KeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Principal | undefined>>();
  /** Bumped by every eviction: a lookup that raced a revocation must not re-insert its result. */
  private epoch = 0;
  private enabled = false;

  constructor(
    private readonly db: pg.Pool,
    private readonly now: () => number = Date.now,
  ) {}

  setEnabled(on: boolean): void {
    this.enabled = on;
    if (!on) this.clear();
  }

  async principal(key: string): Promise<Principal | undefined> {
    const hash = hashKey(key);
    const id = hash.toString('base64');
    const now = this.now();
    const hit = this.entries.get(id);
    if (hit && hit.expiresAt > now) {
      if (now - hit.touchedAt > TOUCH_EVERY_MS) {
        hit.touchedAt = now;
        touchDevice(this.db, hit.principal.deviceId);
      }
      return hit.principal;
    }
    // Concurrent first requests with one key (a burst of sessions) share one query.
    let pending = this.inflight.get(id);
    if (!pending) {
      pending = this.load(id, hash).finally(() => this.inflight.delete(id));
      this.inflight.set(id, pending);
    }
    return pending;
  }

  private async load(id: string, hash: Buffer): Promise<Principal | undefined> {
    const epoch = this.epoch;
    const found = await lookupKeyHash(this.db, hash);
    if (!found) return undefined;
    const now = this.now();
    if (found.stale) touchDevice(this.db, found.principal.deviceId);
    if (this.enabled && epoch === this.epoch) {
      if (this.entries.size >= MAX_ENTRIES) this.clear();
      this.entries.set(id, {
        principal: found.principal,
        expiresAt: now + KEY_CACHE_TTL_MS,
        touchedAt: now,
      });
    }
    return found.principal;
  }

  /** Forgets every key of this device (revoked). */
  evictDevice(deviceId: string): void {
    this.epoch++;
    for (const [id, e] of this.entries)
      if (e.principal.deviceId === deviceId) this.entries.delete(id);
  }

  /** Forgets every key of this user's devices (user disabled or roles changed). */
  evictUser(userId: string): void {
    this.epoch++;
    for (const [id, e] of this.entries) if (e.principal.userId === userId) this.entries.delete(id);
  }

  clear(): void {
    this.epoch++;
    this.entries.clear();
  }

  /** Devices with a live cache entry (expired ones are dropped here). */
  deviceIds(): string[] {
    const now = this.now();
    const ids = new Set<string>();
    for (const [id, e] of this.entries) {
      if (e.expiresAt <= now) this.entries.delete(id);
      else ids.add(e.principal.deviceId);
    }
    return [...ids];
  }
}
