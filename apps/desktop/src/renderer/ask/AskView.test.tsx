import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudioFrame, type AudioFrame } from '../../shared/audio-frame.js';
import { RpcClient } from '../../shared/client.js';
import { ERRORS } from '../../shared/errors.js';
import type { CallName, EventName, EventPayload } from '../../shared/contract.js';
import { decodeRequest, encodeEvent, encodeResponse } from '../../shared/protocol.js';
import type { TurnRecordDto } from '../../shared/voice-turn.js';
import { MicError, type CaptureSettings, type MicSource } from '../audio/capture.js';
import type { PlaybackProgress, Speaker, SpeakerCounters } from '../audio/speaker.js';
import { DEFAULT_SETTINGS } from '../../shared/settings.js';
import { SettingsProvider } from '../settings/settings-context.js';
import { AskView } from './AskView.js';
import { usePushToTalkKey } from './push-to-talk.js';
import { VoiceProvider, useVoice, type AudioDevices } from './voice-context.js';

afterEach(cleanup);
beforeAll(() => {
  // jsdom has no layout: scrolling the newest turn into view is a no-op here.
  Element.prototype.scrollIntoView = () => undefined;
  Element.prototype.setPointerCapture = () => undefined;
});

const flush = () => act(async () => new Promise((r) => setTimeout(r, 0)));

/**
 * A stand-in engine on the real wire protocol: records every request, answers from `replies`
 * (value or coded error), and pushes events like the sidecar does.
 */
function standInEngine(replies: Partial<Record<CallName, unknown>> = {}) {
  const requests: { method: string; input: Record<string, unknown> }[] = [];
  /** Microphone frames as the engine decodes them (binary, fire-and-forget). */
  const audio: AudioFrame[] = [];
  const defaults: Partial<Record<CallName, unknown>> = {
    'voice.status': {
      server: 'configured',
      stt: 'ready',
      llm: 'ready',
      tts: 'ready',
      bargeIn: true,
      recording: false,
      detail: 'Voice ready.',
    },
    'voice.turnStart': { turnId: 't1', conversationId: 'c1' },
    'voice.turnEnd': { turnId: 't1', conversationId: 'c1' },
    'voice.cancel': { cancelled: true },
    'voice.playback': {},
    'assistant.ask': () => ({ turnId: `q${++asked}`, conversationId: 'c1' }),
    'conversations.list': [],
    'conversations.turns': [],
    'settings.get': { ...DEFAULT_SETTINGS, persisted: true },
    'settings.set': (patch: Record<string, unknown>) => {
      settings = { ...settings, ...patch };
      return settings;
    },
  };
  let settings: Record<string, unknown> = { ...DEFAULT_SETTINGS, persisted: true };
  let asked = 0;
  const client: RpcClient = new RpcClient({
    send(text) {
      const request = decodeRequest(text);
      if (!request.ok) throw new Error(request.error.message);
      requests.push({ method: request.method, input: request.input as Record<string, unknown> });
      const canned = replies[request.method] ?? defaults[request.method];
      const reply: unknown =
        typeof canned === 'function' ? (canned as (i: unknown) => unknown)(request.input) : canned;
      const result =
        reply instanceof Error
          ? { ok: false as const, error: { code: reply.name, message: reply.message } }
          : { ok: true as const, value: reply ?? {} };
      queueMicrotask(() => client.receive(encodeResponse(request.seq, result)));
    },
    sendBinary(data) {
      const decoded = decodeAudioFrame(data);
      if (!decoded.ok) throw new Error(decoded.error.message);
      audio.push(decoded.frame);
    },
    close: () => undefined,
  });
  return {
    client,
    requests,
    audio,
    calls: (method: CallName) => requests.filter((r) => r.method === method),
    push: <N extends EventName>(name: N, payload: EventPayload<N>) =>
      act(() => client.receive(encodeEvent(name, payload))),
  };
}

const coded = (code: string, message: string): Error =>
  Object.assign(new Error(message), { name: code });

const SETTINGS: CaptureSettings = {
  deviceLabel: 'Test mic',
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
  sampleRate: 48_000,
  channelCount: 1,
  contextRate: 48_000,
};

/** Stand-ins for the devices jsdom lacks (microphone, audio output). */
function devices(options: { micError?: MicError } = {}) {
  const mic: MicSource & { frame(): void } = {
    onFrame: undefined,
    onEnded: undefined,
    settings: undefined,
    open: () => (options.micError ? Promise.reject(options.micError) : Promise.resolve(SETTINGS)),
    close: () => undefined,
    frame() {
      this.onFrame?.(new Int16Array(512).fill(1000), -30);
    },
  };
  const played: { turnId: string; seq: number }[] = [];
  const spoken: string[] = [];
  let playing = false;
  const counts = { chunksPlayed: 0, utterances: 0, stops: 0 };
  const speaker: Speaker & {
    played: typeof played;
    spoken: string[];
    start(turnId: string, seq: number): void;
  } = {
    onProgress: undefined,
    onChange: undefined,
    onError: undefined,
    played,
    spoken,
    unlock: () => undefined,
    playChunk(turnId, seq) {
      played.push({ turnId, seq });
    },
    speak(_turnId, text) {
      spoken.push(text);
    },
    /** The test says when a queued chunk starts to sound. */
    start(turnId: string, seq: number) {
      playing = true;
      counts.chunksPlayed++;
      this.onProgress?.({ turnId, state: 'playing', seq } satisfies PlaybackProgress);
      this.onChange?.();
    },
    stop() {
      const was = playing;
      playing = false;
      if (was) counts.stops++;
      this.onChange?.();
      return was;
    },
    get state() {
      return playing ? 'playing' : 'idle';
    },
    get counters(): SpeakerCounters {
      return { ...counts };
    },
  };
  const audio: AudioDevices = { createMic: () => mic, createSpeaker: () => speaker };
  return { mic, speaker, audio };
}

/** Space is push-to-talk window-wide; the shell (App) installs it, so do the same here. */
function PushToTalk() {
  usePushToTalkKey(useVoice()?.controller);
  return null;
}

function renderAsk(engine: ReturnType<typeof standInEngine>, audio: AudioDevices) {
  return render(
    <SettingsProvider client={engine.client}>
      <VoiceProvider client={engine.client} devices={audio}>
        <PushToTalk />
        <main tabIndex={-1} data-testid="main">
          <AskView />
        </main>
      </VoiceProvider>
    </SettingsProvider>,
  );
}

const RECORD: TurnRecordDto = {
  id: 't1',
  conversationId: 'c1',
  startedAt: '2026-11-23T07:00:00.000Z',
  mode: 'voice',
  status: 'complete',
  transcript: 'what is hypertension',
  answer: 'High blood pressure is common.',
  sentences: [
    {
      text: 'High blood pressure is common.',
      citations: [
        {
          chunkId: 1,
          documentId: 7,
          sourcePath: '/docs/hbp.md',
          title: 'High Blood Pressure',
          start: 10,
          end: 40,
          page: null,
          passage: {
            text: 'Overview. High blood pressure is common. More text.',
            spanStart: 10,
            spanEnd: 40,
          },
        },
      ],
    },
  ],
  covered: true,
  generator: 'extractive@1',
  speech: 'gateway',
  timings: {
    capture: 2000,
    sttFinalize: 150,
    phi: 3,
    retrieval: 12,
    llmFirstToken: null,
    ttsFirstByte: 140,
    firstAudio: 420,
    total: 900,
  },
  errors: [],
};

describe('Ask view: push-to-talk, transcript, cited answer, playback and barge-in', () => {
  it('holding Space runs one turn (auto-repeat ignored), streams frames in order, shows the turn', async () => {
    const engine = standInEngine({
      'knowledge.passage': {
        documentId: 7,
        title: 'High Blood Pressure',
        sourcePath: '/docs/hbp.md',
        text: 'Overview: High blood pressure is common. It often has no symptoms.',
        textStart: 0,
        start: 10,
        end: 40,
        documentLength: 66,
      },
    });
    const { mic, speaker, audio } = devices();
    renderAsk(engine, audio);
    await flush();
    const main = screen.getByTestId('main');
    fireEvent.keyDown(main, { code: 'Space', key: ' ' });
    fireEvent.keyDown(main, { code: 'Space', key: ' ', repeat: true });
    fireEvent.keyDown(main, { code: 'Space', key: ' ', repeat: true });
    mic.frame(); // buffered until the engine answers turnStart
    await flush();
    expect(engine.calls('voice.turnStart')).toHaveLength(1);
    expect(screen.getByTestId('voice-state').dataset.state).toBe('listening');
    expect(screen.getByTestId('hold-to-talk').getAttribute('aria-pressed')).toBe('true');
    act(() => {
      mic.frame();
      mic.frame();
    });
    expect(screen.getByTestId('input-level').getAttribute('aria-valuetext')).toBe('-30 dB');
    engine.push('voice.transcript', { turnId: 't1', text: 'what is', final: false });
    expect(screen.getByTestId('transcript').dataset.final).toBe('false');
    fireEvent.keyUp(main, { code: 'Space', key: ' ' });
    await flush();
    expect(engine.audio.map((f) => [f.turnId, f.seq])).toEqual([
      ['t1', 0],
      ['t1', 1],
      ['t1', 2],
    ]);
    for (const f of engine.audio) expect(f.pcm.length).toBeGreaterThan(0);
    expect(engine.calls('voice.turnEnd')).toEqual([
      { method: 'voice.turnEnd', input: { turnId: 't1', conversationId: 'c1' } },
    ]);
    expect(screen.getByTestId('voice-state').dataset.state).toBe('thinking');

    engine.push('voice.transcript', {
      turnId: 't1',
      text: 'what is hypertension',
      final: true,
    });
    engine.push('voice.answer', {
      turnId: 't1',
      index: 0,
      sentence: RECORD.sentences[0]!,
      generator: 'extractive@1',
    });
    expect(screen.getByTestId('transcript').textContent).toBe('what is hypertension');
    expect(screen.getByTestId('answer').textContent).toContain('High blood pressure is common.');

    // Audio arrives and plays; the engine hears about it (echo canceller far end).
    engine.push('voice.audio.chunk', {
      turnId: 't1',
      seq: 0,
      sentence: 0,
      format: 'pcm_s16le',
      sampleRate: 24_000,
      pcm: 'AAAAAA==',
    });
    expect(speaker.played).toEqual([{ turnId: 't1', seq: 0 }]);
    act(() => speaker.start('t1', 0));
    await flush();
    expect(engine.calls('voice.playback').at(-1)?.input).toEqual({
      turnId: 't1',
      state: 'playing',
      seq: 0,
    });
    expect(screen.getByTestId('voice-state').dataset.state).toBe('speaking');
    expect(screen.getByTestId('playback').dataset.chunksPlayed).toBe('1');

    // Barge-in: the key again silences at once and starts a new turn in the same conversation.
    fireEvent.keyDown(main, { code: 'Space', key: ' ' });
    expect(speaker.state).toBe('idle');
    expect(screen.getByTestId('playback').dataset.stops).toBe('1');
    await flush();
    expect(engine.calls('voice.turnStart').at(-1)?.input).toEqual({ conversationId: 'c1' });
    // Late audio of the interrupted turn is dropped.
    engine.push('voice.audio.chunk', {
      turnId: 't1',
      seq: 1,
      sentence: 0,
      format: 'pcm_s16le',
      sampleRate: 24_000,
      pcm: 'AAAAAA==',
    });
    expect(speaker.played).toHaveLength(1);
    fireEvent.keyUp(main, { code: 'Space', key: ' ' });
    await flush();

    engine.push('voice.turnDone', { turn: RECORD });
    const turn = screen.getAllByTestId('turn')[0]!;
    // Engineering timings live in Diagnostics, not under the answer.
    expect(within(turn).queryByTestId('timings')).toBeNull();
    expect(turn.textContent).not.toContain('150 ms');
    fireEvent.click(within(turn).getByRole('button', { name: 'Source 1: High Blood Pressure' }));
    const source = screen.getByTestId('citation-view');
    expect(source.textContent).toContain('/docs/hbp.md');
    await flush();
    // The source text from the store, the cited span highlighted inside it.
    expect(engine.calls('knowledge.passage')[0]?.input).toEqual({
      documentId: 7,
      start: 10,
      end: 40,
    });
    expect(source.textContent).toContain('It often has no symptoms.');
    expect(within(source).getByText('High blood pressure is common.').tagName).toBe('MARK');
    expect(document.activeElement?.id).toBe('citation-title');
  });

  it('Space in the question box types; typed questions work without speech-to-text', async () => {
    const engine = standInEngine({
      'voice.status': {
        server: 'configured',
        stt: 'not-configured',
        llm: 'ready',
        tts: 'not-configured',
        bargeIn: true,
        recording: false,
        detail: 'No speech-to-text on the server: type questions.',
      },
      'voice.turnStart': coded(
        'VOICE_STT_NOT_CONFIGURED',
        'No speech-to-text provider is configured on the sync server. Type your question instead.',
      ),
    });
    const { speaker, audio } = devices();
    renderAsk(engine, audio);
    await flush();
    expect(screen.getByTestId('voice-status').textContent).toContain(
      ERRORS.VOICE_STT_NOT_CONFIGURED,
    );
    // A notice, not an alarm; the code only under Details.
    expect(screen.getByTestId('voice-status').getAttribute('role')).toBe('status');
    expect(
      screen.getByTestId('voice-status').querySelector('.problem__text')?.textContent,
    ).not.toContain('VOICE_');
    const box = screen.getByLabelText('Type a question', { selector: 'input' });
    fireEvent.keyDown(box, { code: 'Space', key: ' ' });
    expect(engine.calls('voice.turnStart')).toHaveLength(0);

    // Holding the button fails for the cause the notice already gives: one message, not two.
    const button = screen.getByTestId('hold-to-talk');
    fireEvent.keyDown(button, { key: 'Enter' });
    await flush();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getAllByText(ERRORS.VOICE_STT_NOT_CONFIGURED)).toHaveLength(1);
    fireEvent.keyUp(button, { key: 'Enter' });

    // Typed answers are not read aloud unless asked for.
    const readAloud = screen.getByTestId('read-aloud');
    expect((readAloud as HTMLInputElement).checked).toBe(false);
    fireEvent.change(box, { target: { value: 'what is hypertension' } });
    fireEvent.submit(box.closest('form')!);
    await flush();
    expect(engine.calls('assistant.ask')[0]?.input).toEqual({
      text: 'what is hypertension',
      speak: false,
    });
    fireEvent.click(readAloud);
    await flush();
    expect(engine.calls('settings.set')[0]?.input).toEqual({ readTypedAnswers: true });
    fireEvent.change(box, { target: { value: 'what is hypertension' } });
    fireEvent.submit(box.closest('form')!);
    await flush();
    expect(engine.calls('assistant.ask')[1]?.input).toEqual({
      text: 'what is hypertension',
      speak: true,
      conversationId: 'c1',
    });
    // No TTS on the server: the OS voice speaks the sentence.
    engine.push('voice.speak', {
      turnId: 'q2',
      sentence: 0,
      text: 'High blood pressure is common.',
    });
    expect(speaker.spoken).toEqual(['High blood pressure is common.']);
  });

  it('a question asked back shows its options as buttons; a click is the reply in the same conversation', async () => {
    const engine = standInEngine();
    const { audio } = devices();
    renderAsk(engine, audio);
    await flush();
    const box = screen.getByLabelText('Type a question', { selector: 'input' });
    fireEvent.change(box, { target: { value: 'kidney disease management' } });
    fireEvent.submit(box.closest('form')!);
    await flush();
    const question = 'Which do you mean: Acute Kidney Injury, or Chronic Kidney Disease?';
    engine.push('assistant.prompt', {
      turnId: 'q1',
      conversationId: 'c1',
      intent: 'knowledge',
      text: question,
      options: ['Acute Kidney Injury', 'Chronic Kidney Disease'],
      awaiting: true,
    });
    engine.push('voice.answer', {
      turnId: 'q1',
      index: 0,
      sentence: { text: question, citations: [] },
      generator: 'assistant:knowledge',
    });
    const buttons = screen.getAllByTestId('reply-option');
    expect(buttons.map((b) => b.textContent)).toEqual([
      'Acute Kidney Injury',
      'Chronic Kidney Disease',
    ]);
    expect(screen.getByTestId('answer').textContent).toContain('from the assistant');
    fireEvent.click(buttons[1]!);
    await flush();
    expect(engine.calls('assistant.ask')[1]?.input).toEqual({
      text: 'Chronic Kidney Disease',
      speak: false,
      conversationId: 'c1',
    });
    // Only the newest turn offers replies: the question above is answered now.
    expect(screen.queryAllByTestId('reply-option')).toEqual([]);
  });

  it('a denied microphone is explained at once and the engine turn is cancelled', async () => {
    const engine = standInEngine();
    const { audio } = devices({
      micError: new MicError('MIC_DENIED', 'Microphone access is blocked. Allow the microphone.'),
    });
    renderAsk(engine, audio);
    await flush();
    const button = screen.getByTestId('hold-to-talk');
    fireEvent.pointerDown(button, { button: 0, pointerId: 1 });
    await flush();
    const alert = screen.getByRole('alert');
    expect(alert.querySelector('.problem__text')?.textContent).toBe(ERRORS.MIC_DENIED);
    expect(alert.querySelector('summary')?.textContent).toBe('Details');
    expect(alert.querySelector('code')?.textContent).toBe('MIC_DENIED');
    expect(engine.calls('voice.cancel')[0]?.input).toEqual({ turnId: 't1', reason: 'user' });
    fireEvent.pointerUp(button, { button: 0, pointerId: 1 });
    await flush();
    expect(engine.calls('voice.turnEnd')).toHaveLength(0);
    expect(screen.getByTestId('voice-state').dataset.state).toBe('idle');
  });
});
