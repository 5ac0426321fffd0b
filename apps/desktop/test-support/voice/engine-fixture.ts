import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EventName, EventPayload } from '../../src/shared/contract.js';
import { openVoiceEngine, type VoiceEngine } from '../../src/sidecar/assistant/create.js';
import type { GatewayFixture } from '@voiceassist/tests/harness/gateway.js';
import { writeMedquadDocs } from '../knowledge/medquad-fixture.js';

export interface SeenEvent {
  readonly name: EventName;
  readonly payload: EventPayload<EventName>;
  /** Order of arrival (events and marks share one counter). */
  readonly order: number;
}

export interface EngineFixture {
  readonly engine: VoiceEngine;
  readonly events: SeenEvent[];
  readonly profileDir: string;
  /** A position in the event stream, to compare "before/after" without clocks. */
  mark(): number;
  of<N extends EventName>(name: N, turnId?: string): EventPayload<N>[];
  waitFor<N extends EventName>(
    name: N,
    pred?: (p: EventPayload<N>) => boolean,
    timeoutMs?: number,
  ): Promise<EventPayload<N>>;
  close(): Promise<void>;
}

/**
 * A voice engine in a temp profile (encrypted store with a few MedQuAD documents, hashing
 * embedder for speed) pointed at `gateway` (or at no server), recording every event it emits.
 */
export async function openEngineFixture(
  gateway: GatewayFixture | undefined,
  options: { frontEnd?: boolean; env?: Record<string, string> } = {},
): Promise<EngineFixture> {
  const profileDir = await mkdtemp(path.join(os.tmpdir(), 'va-turn-profile-'));
  const env: NodeJS.ProcessEnv = {
    VOICEASSIST_DB_KEY: randomBytes(32).toString('hex'),
    VOICEASSIST_EMBED_MODEL: 'hashing-bow',
    ...(gateway
      ? { VOICEASSIST_SERVER_URL: gateway.url, VOICEASSIST_DEVICE_KEY: gateway.deviceKey }
      : {}),
    ...options.env,
  };
  const events: SeenEvent[] = [];
  let order = 0;
  const listeners = new Set<() => void>();
  const engine = await openVoiceEngine({
    profileDir,
    env,
    frontEnd: options.frontEnd ?? true,
    emit: (name, payload) => {
      events.push({ name, payload, order: order++ });
      for (const l of listeners) l();
    },
  });
  await engine.kb.ingest([await writeMedquadDocs(path.join(profileDir, 'docs'))]);
  const of = <N extends EventName>(name: N, turnId?: string): EventPayload<N>[] =>
    events
      .filter((e) => e.name === name)
      .map((e) => e.payload as EventPayload<N>)
      .filter(
        (p) =>
          turnId === undefined ||
          (p as { turnId?: string }).turnId === turnId ||
          (p as { turn?: { id: string } }).turn?.id === turnId,
      );
  return {
    engine,
    events,
    profileDir,
    mark: () => order++,
    of,
    waitFor: (name, pred, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const hit = of(name).find((p) => pred?.(p) ?? true);
          if (hit === undefined) return false;
          listeners.delete(listener);
          clearTimeout(timer);
          resolve(hit);
          return true;
        };
        const listener = (): void => void check();
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`no ${name} event within ${timeoutMs} ms`));
        }, timeoutMs);
        listeners.add(listener);
        check();
      }),
    close: async () => {
      await engine.close();
      await rm(profileDir, { recursive: true, force: true });
    },
  };
}
