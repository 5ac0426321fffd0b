import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CallInput, CallOutput } from '../../shared/contract.js';
import { CodedError } from '../../shared/errors.js';
import { MIC_SAMPLE_RATE, type VoiceStatusDto } from '../../shared/voice-turn.js';
import type { KnowledgeBase } from '../knowledge/kb.js';
import type { ConversationRepository } from '../store/conversations.js';
import type { SettingsRepository } from '../store/settings.js';
import type { GatewayClient } from '../providers/client.js';
import type { EchoCanceller } from '../voice/aec.js';
import { rmsDbfs } from '../voice/frames.js';
import type { SpeechProbabilityModel } from '../voice/silero.js';
import { VoiceInput } from '../voice/voice-input.js';
import { encodeWav, floatToInt16, int16ToFloat } from '../voice/wav.js';
import type { VoiceApi } from './handlers.js';
import {
  ProviderState,
  answerAndSpeak,
  prepareAnswer,
  sendAhead,
  type Preparation,
} from './pipeline.js';
import { Turn, newId, type Emit } from './turn.js';

export interface FrontEnd {
  readonly vad: SpeechProbabilityModel;
  readonly echoCanceller?: EchoCanceller;
}

export interface ServiceLog {
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
}

export interface VoiceServiceOptions {
  readonly kb: KnowledgeBase;
  readonly conversations: ConversationRepository;
  readonly settings: SettingsRepository;
  readonly client: GatewayClient | undefined;
  readonly emit: Emit;
  /** The VAD + echo canceller; frames go to STT unprocessed until (or if never) it resolves. */
  readonly frontEnd?: Promise<FrontEnd | undefined>;
  /** Where recordings go when recording is on (never written otherwise). */
  readonly recordingsDir?: string;
  readonly log?: ServiceLog;
  readonly now?: () => number;
}

const LEVEL_EVERY_MS = 100;
const SETTINGS_KEY = 'voice.settings';
const NOOP_LOG: ServiceLog = { info: () => undefined, warn: () => undefined };

function decodePcm(b64: string): Int16Array {
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length % 2 !== 0)
    throw new CodedError('AUDIO_INVALID', 'Audio must be whole 16-bit samples (even byte count).');
  const out = new Int16Array(bytes.length / 2);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

const int16Bytes = (s: Int16Array): Uint8Array =>
  new Uint8Array(s.buffer, s.byteOffset, s.byteLength);

/**
 * The voice turn and typed questions, as the RPC contract exposes them. One turn runs at a time:
 * a new key-down (or question) is a barge-in on the previous one.
 */
export class VoiceTurnService implements VoiceApi {
  /**
   * Prepare the answer (PHI, retrieval, the LLM prompt) on the last interim transcript while STT
   * finalizes, and use it when the final transcript is the same. On by default; the voice bench
   * turns it off for its same-run baseline.
   */
  prepareWhileFinalizing = true;
  /**
   * Ask the gateway to start TTS for the answer's first cited sentence itself (speak-ahead, see
   * GatewayClient.prepareChat). On by default; the voice bench turns it off for a baseline.
   */
  speakAhead = true;
  /**
   * Send the answer's LLM request prepared on the last interim transcript at once, for the
   * gateway to forward when the final transcript is the same (see sendAhead). On by default; the
   * voice bench turns it off for a baseline.
   */
  sendChatAhead = true;

  readonly providers: ProviderState;
  private current: Turn | undefined;
  private frontEnd: FrontEnd | undefined;
  private bargeIn = true;
  private recording = false;
  private lastLevelAt = 0;
  private readonly now: () => number;
  private readonly log: ServiceLog;

  constructor(private readonly options: VoiceServiceOptions) {
    this.providers = new ProviderState(options.client !== undefined);
    this.now = options.now ?? (() => performance.now());
    this.log = options.log ?? NOOP_LOG;
    const saved = this.loadSettings();
    this.bargeIn = saved.bargeIn ?? true;
    this.recording = (saved.recording ?? false) && options.recordingsDir !== undefined;
    options.frontEnd?.then(
      (f) => {
        this.frontEnd = f;
      },
      () => this.log.warn({}, 'voice front end (VAD/AEC) unavailable; audio goes to STT as is'),
    );
  }

  /** The turn in flight (tests and the CLI wait on `turn.done`). */
  get currentTurn(): Turn | undefined {
    return this.current;
  }

  private status(): VoiceStatusDto {
    const client = this.options.client;
    const p = this.providers;
    const parts: string[] = [];
    if (!client)
      parts.push('No sync server configured: typed questions get local answers; voice is off.');
    else {
      if (p.stt === 'not-configured')
        parts.push('No speech-to-text on the server: type questions.');
      if (p.llm === 'not-configured')
        parts.push('No AI model on the server: answers are quoted from your sources.');
      if (p.tts === 'not-configured')
        parts.push('No cloud voice on the server: the system voice speaks.');
    }
    return {
      server: client ? 'configured' : 'not-configured',
      stt: p.stt,
      llm: p.llm,
      tts: p.tts,
      bargeIn: this.bargeIn,
      recording: this.recording,
      detail: (parts.join(' ') || 'Voice ready.').slice(0, 1024),
    };
  }

  'voice.status' = (): VoiceStatusDto => this.status();

  'voice.configure' = ({ bargeIn, recording }: CallInput<'voice.configure'>): VoiceStatusDto => {
    if (bargeIn !== undefined) this.bargeIn = bargeIn;
    if (recording !== undefined) {
      if (recording && !this.options.recordingsDir)
        throw new CodedError('VOICE_RECORDING_UNAVAILABLE', 'No profile folder to record into.');
      this.recording = recording;
    }
    this.saveSettings();
    return this.status();
  };

  /** Voice settings live in the encrypted store, so they survive a restart. */
  private loadSettings(): { bargeIn?: boolean; recording?: boolean } {
    try {
      const parsed = (this.options.settings.read(SETTINGS_KEY) ?? {}) as Record<string, unknown>;
      return {
        ...(typeof parsed.bargeIn === 'boolean' ? { bargeIn: parsed.bargeIn } : {}),
        ...(typeof parsed.recording === 'boolean' ? { recording: parsed.recording } : {}),
      };
    } catch (err) {
      this.log.warn({}, `voice settings unreadable, using defaults: ${String(err)}`);
      return {};
    }
  }

  private saveSettings(): void {
    this.options.settings.write(SETTINGS_KEY, { bargeIn: this.bargeIn, recording: this.recording });
  }

  'voice.turnStart' = ({
    conversationId,
  }: CallInput<'voice.turnStart'>): CallOutput<'voice.turnStart'> => {
    this.interrupt('barge-in-key');
    const client = this.options.client;
    if (!client)
      throw new CodedError(
        'VOICE_SERVER_NOT_CONFIGURED',
        'Voice needs the sync server (VOICEASSIST_SERVER_URL and a device key). Type your question instead: answers come from your local sources.',
      );
    if (!this.providers.usable('stt', true))
      throw new CodedError(
        'VOICE_STT_NOT_CONFIGURED',
        'No speech-to-text provider is configured on the sync server. Type your question instead.',
      );
    const turn = new Turn(conversationId ?? newId(), 'voice', this.options.emit);
    turn.marks.keyDown = this.now();
    this.current = turn;
    if (this.frontEnd)
      turn.input = new VoiceInput({
        vad: this.frontEnd.vad,
        ...(this.frontEnd.echoCanceller ? { echoCanceller: this.frontEnd.echoCanceller } : {}),
      });
    turn.stt = client.openStt({
      conversationId: turn.conversationId,
      signal: turn.abort.signal,
      onTranscript: (text, final) => {
        if (turn.phase === 'listening' || !final)
          turn.emit('voice.transcript', { turnId: turn.id, text: text.slice(0, 20_000), final });
      },
      onError: (err) => {
        if (err.code === 'PROVIDER_NOT_CONFIGURED') this.providers.set('stt', 'not-configured');
        if (turn.phase !== 'done') turn.fail('stt', err);
      },
    });
    // While the clinician speaks: connections for the answer's LLM and TTS requests (the gateway,
    // seeing the STT stream open, does the same towards the providers).
    if (this.providers.usable('llm', true) || this.providers.usable('tts', true))
      void client.preconnect();
    turn.emit('voice.state', { turnId: turn.id, state: 'listening', level: null });
    return { turnId: turn.id, conversationId: turn.conversationId };
  };

  'voice.audio' = async ({
    turnId,
    seq,
    pcm,
  }: CallInput<'voice.audio'>): Promise<{ accepted: boolean }> => {
    const turn = this.current;
    if (turn?.id !== turnId || turn.cancelled) return { accepted: false };
    if (seq !== turn.nextAudioSeq)
      throw new CodedError(
        'AUDIO_OUT_OF_ORDER',
        `Expected audio seq ${turn.nextAudioSeq}, got ${seq}.`,
      );
    turn.nextAudioSeq++;
    const samples = decodePcm(pcm);
    if (turn.phase === 'listening') {
      if (this.recording) turn.recording.push(samples);
      this.reportLevel(turn, samples);
      const stt = turn.stt;
      const input = turn.input;
      if (!input) {
        stt?.send(int16Bytes(samples));
        return { accepted: true };
      }
      const work = input.pushMic(samples).then((frames) => {
        for (const f of frames) stt?.send(int16Bytes(floatToInt16(f.frame)));
      });
      turn.pending = turn.pending.then(() => work).catch(() => undefined);
      await work;
      return { accepted: true };
    }
    // Speaking: the microphone is only watched for the user talking over the app.
    if (!this.bargeIn || !turn.playbackActive || !turn.input) return { accepted: false };
    const frames = await turn.input.pushMic(samples);
    if (frames.some((f) => f.bargeIn)) this.interrupt('barge-in-speech');
    return { accepted: true };
  };

  'voice.turnEnd' = ({ turnId }: CallInput<'voice.turnEnd'>): CallOutput<'voice.turnEnd'> => {
    const turn = this.current;
    if (turn?.id !== turnId || turn.phase !== 'listening')
      throw new CodedError('VOICE_NO_TURN', 'There is no turn listening with this id.');
    turn.marks.keyUp = this.now();
    turn.phase = 'thinking';
    turn.emit('voice.state', { turnId: turn.id, state: 'thinking', level: null });
    turn.done = this.finishVoiceTurn(turn);
    return { turnId: turn.id, conversationId: turn.conversationId };
  };

  'voice.cancel' = ({ turnId }: CallInput<'voice.cancel'>): { cancelled: boolean } => {
    const turn = this.current;
    if (!turn || (turnId !== undefined && turn.id !== turnId)) return { cancelled: false };
    return { cancelled: this.interrupt('cancel') };
  };

  'voice.playback' = ({
    turnId,
    state,
    seq,
  }: CallInput<'voice.playback'>): Record<string, never> => {
    const turn = this.current;
    if (turn?.id !== turnId) return {};
    if (state === 'playing') {
      turn.playbackActive = true;
      turn.input?.setPlaybackActive(true);
      const chunk = seq === undefined ? undefined : turn.unplayed.get(seq);
      if (chunk && seq !== undefined) {
        turn.unplayed.delete(seq);
        turn.input?.pushFarEnd(int16ToFloat(chunk.pcm), chunk.sampleRate);
      }
    } else {
      turn.playbackActive = false;
      turn.input?.setPlaybackActive(false);
      if (turn.phase === 'done')
        this.options.emit('voice.state', { turnId: turn.id, state: 'idle', level: null });
    }
    return {};
  };

  'assistant.ask' = ({
    text,
    conversationId,
    speak,
  }: CallInput<'assistant.ask'>): CallOutput<'assistant.ask'> => {
    this.interrupt('barge-in-key');
    const turn = new Turn(conversationId ?? newId(), 'text', this.options.emit);
    this.current = turn;
    turn.marks.keyUp = this.now();
    turn.phase = 'thinking';
    turn.transcript = text;
    turn.emit('voice.state', { turnId: turn.id, state: 'thinking', level: null });
    turn.done = this.runAnswer(turn, text, speak ?? false);
    return { turnId: turn.id, conversationId: turn.conversationId };
  };

  'conversations.list' = ({
    limit,
  }: CallInput<'conversations.list'>): CallOutput<'conversations.list'> =>
    this.options.conversations.list(limit);

  'conversations.turns' = ({
    conversationId,
    limit,
  }: CallInput<'conversations.turns'>): CallOutput<'conversations.turns'> =>
    this.options.conversations.turns(conversationId, limit);

  /** Stops the current turn: playback, STT, LLM, TTS. True when there was something to stop. */
  interrupt(reason: 'barge-in-key' | 'barge-in-speech' | 'cancel'): boolean {
    const turn = this.current;
    if (!turn || turn.cancelled) return false;
    const running = turn.phase !== 'done';
    if (!running && !turn.playbackActive && turn.unplayed.size === 0) return false;
    this.options.emit('voice.stopPlayback', { turnId: turn.id, reason });
    turn.playbackActive = false;
    turn.input?.setPlaybackActive(false);
    if (running) {
      turn.abort.abort(new CodedError('TURN_CANCELLED', reason));
      turn.stt?.close();
    }
    this.options.emit('voice.state', { turnId: turn.id, state: 'idle', level: null });
    return true;
  }

  private reportLevel(turn: Turn, samples: Int16Array): void {
    const t = this.now();
    if (t - this.lastLevelAt < LEVEL_EVERY_MS) return;
    this.lastLevelAt = t;
    const level = rmsDbfs(int16ToFloat(samples));
    turn.emit('voice.state', {
      turnId: turn.id,
      state: 'listening',
      level: Number.isFinite(level) ? Math.round(level * 10) / 10 : -120,
    });
  }

  private async finishVoiceTurn(turn: Turn): Promise<void> {
    try {
      await turn.pending;
      if (turn.input) await turn.input.finish();
      const stt = turn.stt;
      let transcript = '';
      let early: Promise<Preparation> | undefined;
      try {
        const finalizing = stt ? stt.finalize() : Promise.resolve('');
        // While STT finalizes, the question as last heard is prepared (PHI, retrieval, prompt);
        // used if the final transcript is the same, which it is when the speaker has finished.
        // It starts once the finalize request is on its way, not competing with it.
        const heard = stt?.transcriptSoFar().trim() ?? '';
        if (stt && heard !== '' && this.prepareWhileFinalizing) {
          const client = this.options.client;
          const ahead = this.sendChatAhead;
          early = stt
            .finalizeSent()
            .then(() => prepareAnswer(turn.conversationId, heard, true, this.deps()))
            .then((prep) =>
              ahead && client
                ? sendAhead(
                    prep,
                    client,
                    { turnId: stt.turnId, transcript: heard },
                    turn.abort.signal,
                  )
                : prep,
            );
          early.catch(() => undefined); // an unused preparation's failure is nobody's business
        }
        transcript = await finalizing;
      } catch (err) {
        if (turn.cancelled) return;
        turn.fail('stt', stt?.failure ?? err);
        // What was heard before the drop is kept with the turn; a cut-off question is not answered.
        turn.transcript = stt?.transcriptSoFar() ?? '';
        turn.failed = turn.transcript === '';
        return;
      } finally {
        stt?.close();
      }
      turn.marks.sttFinal = this.now();
      turn.transcript = transcript;
      turn.emit('voice.transcript', {
        turnId: turn.id,
        text: transcript.slice(0, 20_000),
        final: true,
      });
      if (transcript === '') {
        turn.failed = true;
        turn.fail(
          'stt',
          new CodedError(
            'STT_EMPTY',
            'Nothing was recognised. Hold the key while you speak, or type the question.',
          ),
        );
        return;
      }
      this.providers.set('stt', 'ready');
      await answerAndSpeak(turn, transcript.trim(), true, this.deps(), early);
    } catch (err) {
      if (!turn.cancelled) turn.fail('turn', err);
    } finally {
      this.complete(turn);
    }
  }

  private async runAnswer(turn: Turn, question: string, speak: boolean): Promise<void> {
    try {
      await answerAndSpeak(turn, question, speak, this.deps());
    } catch (err) {
      if (!turn.cancelled) turn.fail('turn', err);
    } finally {
      this.complete(turn);
    }
  }

  private deps() {
    return {
      kb: this.options.kb,
      client: this.options.client,
      providers: this.providers,
      now: this.now,
      speakAhead: this.speakAhead,
    };
  }

  private complete(turn: Turn): void {
    turn.marks.end = this.now();
    turn.phase = 'done';
    const record = turn.record();
    try {
      this.options.conversations.saveTurn(record);
    } catch (err) {
      this.log.warn({ errName: err instanceof Error ? err.name : typeof err }, 'turn not saved');
    }
    if (this.recording && turn.recording.length > 0 && this.options.recordingsDir)
      void this.writeRecording(turn);
    turn.recording.length = 0;
    this.options.emit('voice.turnDone', { turn: record });
    if (!turn.playbackActive && turn.nextChunkSeq === 0 && !turn.cancelled)
      this.options.emit('voice.state', { turnId: turn.id, state: 'idle', level: null });
  }

  private async writeRecording(turn: Turn): Promise<void> {
    const dir = this.options.recordingsDir;
    if (!dir) return;
    try {
      const total = turn.recording.reduce((n, c) => n + c.length, 0);
      const all = new Int16Array(total);
      let off = 0;
      for (const c of turn.recording.splice(0)) {
        all.set(c, off);
        off += c.length;
      }
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFile(
        path.join(dir, `${turn.id}.wav`),
        encodeWav(int16ToFloat(all), MIC_SAMPLE_RATE),
        {
          mode: 0o600,
        },
      );
    } catch (err) {
      this.log.warn(
        { errName: err instanceof Error ? err.name : typeof err },
        'recording not written',
      );
    }
  }
}
