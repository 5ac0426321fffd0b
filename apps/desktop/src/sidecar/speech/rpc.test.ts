import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS, CALLS } from '../../shared/contract.js';
import type { SpeechCapabilitiesDto } from '../../shared/speech.js';
import type { CallContext } from '../rpc/server.js';
import { SpeechRpc } from './rpc.js';

const ctx: CallContext = { connectionId: 'c' };

// Real machine checks: `npm test` installs pocketsphinx and espeak-ng; the sherpa models are
// pointed at an empty folder so the result does not depend on what was fetched.
describe('speech capabilities and transcript confirmation over the contract', () => {
  let empty = '';
  const opened: SpeechRpc[] = [];
  beforeAll(async () => {
    empty = await mkdtemp(path.join(os.tmpdir(), 'voiceassist-no-models-'));
  });
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
    await rm(empty, { recursive: true, force: true });
  });

  function open(env: NodeJS.ProcessEnv = {}, pocketsphinx = {}) {
    const events: SpeechCapabilitiesDto[] = [];
    const rpc = new SpeechRpc({
      env,
      emit: (_name, payload) => events.push(payload),
      capabilities: { modelsDir: empty, pocketsphinx },
      recheckMs: 2 ** 31 - 1,
    });
    opened.push(rpc);
    return { rpc, events, h: rpc.handlers() };
  }

  it('with no cloud provider, Hold to talk recognises on this computer and confirms, and eSpeak NG speaks', async () => {
    const { h } = open();
    const caps = await h['speech.capabilities']({}, ctx);
    expect(Value.Check(CALLS['speech.capabilities'].output, caps)).toBe(true);
    expect(caps.talk).toMatchObject({
      enabled: true,
      path: 'on-device',
      recogniser: 'pocketsphinx',
      confirms: true,
    });
    expect(caps.talk.sentence).toMatch(/basic accuracy; you will confirm the text/);
    expect(caps.speech).toBe('espeak-ng');
    const cloudStt = caps.paths.find((p) => p.kind === 'stt' && p.id === 'cloud');
    expect(cloudStt).toMatchObject({ where: 'server', available: false });
    expect(cloudStt?.reason).toMatch(/no cloud speech recognition set up/);
  });

  it('with nothing that can transcribe, Hold to talk is off with one plain sentence', async () => {
    const { h } = open({}, { python: path.join(empty, 'no-python') });
    const caps = await h['speech.capabilities']({}, ctx);
    expect(caps.talk.enabled).toBe(false);
    expect(caps.talk.path).toBe('none');
    expect(caps.talk.sentence).toMatch(/^Speech recognition is unavailable: .*type your question/);
    const ps = caps.paths.find((p) => p.id === 'pocketsphinx');
    expect(ps?.available).toBe(false);
    expect(ps?.reason).toBeTruthy();
  });

  it('a change in the cloud state is pushed once, as a valid speech.capabilities.changed event', () => {
    const { rpc, events } = open();
    let usable = false;
    rpc.setCloud(() => ({
      stt: { configured: true, usable },
      tts: { configured: false, usable: false },
    }));
    expect(events).toHaveLength(1); // configured but unreachable: the cloud row's reason changed
    usable = true;
    rpc.local.refresh();
    rpc.local.refresh();
    expect(events).toHaveLength(2);
    expect(events[1]?.talk.path).toBe('cloud');
    expect(Value.Check(EVENTS['speech.capabilities.changed'], events[1])).toBe(true);
  });

  it('on-device-only policy never takes the cloud path, even when it works', () => {
    const { rpc } = open({ VOICEASSIST_STT_POLICY: 'on-device-only' });
    rpc.setCloud(() => ({
      stt: { configured: true, usable: true },
      tts: { configured: true, usable: true },
    }));
    expect(rpc.local.capabilities().talk.path).toBe('on-device');
  });

  it('voice.confirm releases the waiting turn with the corrected text; other turns are refused', async () => {
    const { rpc, h } = open();
    const abort = new AbortController();
    const waiting = rpc.confirmations.wait('turn-1', abort.signal);

    expect(await h['voice.confirm']({ turnId: 'turn-2', text: 'x' }, ctx)).toEqual({
      accepted: false,
    });
    expect(
      await h['voice.confirm']({ turnId: 'turn-1', text: '  what are   the symptoms ' }, ctx),
    ).toEqual({ accepted: true });
    await expect(waiting).resolves.toBe('what are the symptoms');
    expect(await h['voice.confirm']({ turnId: 'turn-1', text: 'again' }, ctx)).toEqual({
      accepted: false,
    });
    const cancelled = rpc.confirmations.wait('turn-3', abort.signal);
    abort.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'TURN_CANCELLED' });
    expect(rpc.confirmations.isWaiting('turn-3')).toBe(false);
  });
});
