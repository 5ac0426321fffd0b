import { performance } from 'node:perf_hooks';
import type { AudioFrame } from '../../shared/audio-frame.js';
import type { CallInput, CallOutput } from '../../shared/contract.js';
import { CodedError } from '../../shared/errors.js';
import type { VoiceStatusDto } from '../../shared/voice-turn.js';
import type { KnowledgeBase } from '../knowledge/kb.js';
import { ProviderCapabilities } from '../providers/capabilities.js';
import type { GatewayClient } from '../providers/client.js';
import type { SpeechRpc } from '../speech/rpc.js';
import type { ConversationRepository } from '../store/conversations.js';
import type { SettingsRepository } from '../store/settings.js';
import type { AssistantFront } from './front/front.js';
import type { VoiceApi } from './handlers.js';
import { TurnRecorder } from './recording.js';
import type { Turn, Emit } from './turn.js';
import { TurnRunner, type FrontEnd, type ServiceLog } from './turn-runner.js';
import { VoiceSettingsStore, type VoiceSettings } from './voice-settings.js';

export type { FrontEnd, ServiceLog } from './turn-runner.js';

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
  /** On-device speech (capabilities, recogniser, confirmations, voice); none: cloud only. */
  readonly speech?: SpeechRpc;
  /** Each turn's first decision (assistant/front); none: every turn is a knowledge question. */
  readonly assistantFront?: AssistantFront;
}

const NOOP_LOG: ServiceLog = { info: () => undefined, warn: () => undefined };

/**
 * The voice turn and typed questions as the RPC contract exposes them: checks each call's
 * turn and order, and hands it to the turn runner; keeps the clinician's settings and reports
 * what the server can do. No turn logic of its own.
 */
export class VoiceTurnService implements VoiceApi {
  readonly providers: ProviderCapabilities;
  readonly runner: TurnRunner;
  private settings: VoiceSettings;
  private readonly store: VoiceSettingsStore;

  constructor(private readonly options: VoiceServiceOptions) {
    const log = options.log ?? NOOP_LOG;
    // Asked on connect: the Talk control can say what will happen before anyone presses it.
    this.providers = new ProviderCapabilities(options.client, () => {
      options.emit('voice.status.changed', this.status());
      options.speech?.local.refresh(); // the Talk control's path may have changed with it
    });
    options.speech?.setCloud(() => ({
      stt: this.cloudPath('stt'),
      tts: this.cloudPath('tts'),
    }));
    void this.providers.refresh();
    this.store = new VoiceSettingsStore(options.settings, (msg) => log.warn({}, msg));
    const saved = this.store.load();
    this.settings = { ...saved, recording: saved.recording && !!options.recordingsDir };
    this.runner = new TurnRunner({
      kb: options.kb,
      conversations: options.conversations,
      client: options.client,
      providers: this.providers,
      emit: options.emit,
      now: options.now ?? (() => performance.now()),
      log,
      settings: () => this.settings,
      ...(options.speech ? { speech: options.speech } : {}),
      ...(options.assistantFront ? { front: options.assistantFront } : {}),
      recorder: options.recordingsDir
        ? new TurnRecorder(options.recordingsDir, (f, m) => log.warn(f, m))
        : undefined,
    });
    options.frontEnd?.then(
      (f) => this.runner.setFrontEnd(f),
      () => log.warn({}, 'voice front end (VAD/AEC) unavailable; audio goes to STT as is'),
    );
  }

  /**
   * What on-device speech policy needs to know about one of the server's provider kinds. Not
   * asked yet (`unknown`, the first milliseconds after start) counts as usable, as before
   * capabilities were known: a clinic that set up cloud STT keeps it from the first press.
   */
  private cloudPath(kind: 'stt' | 'tts'): { configured: boolean; usable: boolean } {
    const a = this.providers.get(kind);
    const asked = a !== 'unknown';
    return {
      configured: this.options.client !== undefined && (!asked || a !== 'not-configured'),
      usable: this.options.client !== undefined && (!asked || a === 'ready'),
    };
  }

  /** Stops asking the server for its providers. */
  close(): void {
    this.providers.close();
  }

  /** The turn in flight or last run (tests and the CLI wait on `turn.done`). */
  get currentTurn(): Turn | undefined {
    return this.runner.turn;
  }

  private status(): VoiceStatusDto {
    const client = this.options.client;
    const p = this.providers;
    const parts: string[] = [];
    if (!client)
      parts.push('No sync server configured: typed questions get local answers; voice is off.');
    else {
      if (p.get('stt') === 'not-configured')
        parts.push('No speech-to-text on the server: type questions.');
      if (p.get('llm') === 'not-configured')
        parts.push('No AI model on the server: answers are quoted from your sources.');
      if (p.get('tts') === 'not-configured')
        parts.push('No cloud voice on the server: the system voice speaks.');
    }
    return {
      server: client ? 'configured' : 'not-configured',
      stt: p.get('stt'),
      llm: p.get('llm'),
      tts: p.get('tts'),
      bargeIn: this.settings.bargeIn,
      recording: this.settings.recording,
      detail: (parts.join(' ') || 'Voice ready.').slice(0, 1024),
    };
  }

  'voice.status' = (): VoiceStatusDto => this.status();

  'voice.configure' = ({ bargeIn, recording }: CallInput<'voice.configure'>): VoiceStatusDto => {
    if (recording && !this.options.recordingsDir)
      throw new CodedError('VOICE_RECORDING_UNAVAILABLE', 'No profile folder to record into.');
    this.settings = {
      bargeIn: bargeIn ?? this.settings.bargeIn,
      recording: recording ?? this.settings.recording,
    };
    this.store.save(this.settings);
    return this.status();
  };

  'voice.turnStart' = ({
    conversationId,
  }: CallInput<'voice.turnStart'>): CallOutput<'voice.turnStart'> => {
    const turn = this.runner.startVoice(conversationId);
    return { turnId: turn.id, conversationId: turn.conversationId };
  };

  /**
   * A microphone frame (binary, already validated: format, size, turn id). Frames of another
   * turn (late ones of a turn that ended) are dropped; a gap or a repeat in `seq` is reported on
   * the turn once (AUDIO_OUT_OF_ORDER) and the frame dropped — it would garble the recognition.
   */
  audioFrame = (frame: AudioFrame): void => {
    const turn = this.runner.turn;
    if (turn?.id !== frame.turnId || turn.cancelled) return;
    if (frame.seq !== turn.nextAudioSeq) {
      turn.fail(
        'capture',
        new CodedError(
          'AUDIO_OUT_OF_ORDER',
          'Some of the microphone audio arrived out of order and was left out; if the answer is off, ask again.',
        ),
      );
      if (frame.seq < turn.nextAudioSeq) return;
    }
    turn.nextAudioSeq = frame.seq + 1;
    void this.runner.audio(frame.turnId, frame.pcm);
  };

  'voice.turnEnd' = ({ turnId }: CallInput<'voice.turnEnd'>): CallOutput<'voice.turnEnd'> => {
    const turn = this.runner.endVoice(turnId);
    return { turnId: turn.id, conversationId: turn.conversationId };
  };

  'voice.cancel' = ({ turnId }: CallInput<'voice.cancel'>): { cancelled: boolean } => {
    const turn = this.runner.turn;
    if (!turn || (turnId !== undefined && turn.id !== turnId)) return { cancelled: false };
    return { cancelled: this.runner.interrupt('cancel') };
  };

  'voice.playback' = ({
    turnId,
    state,
    seq,
  }: CallInput<'voice.playback'>): Record<string, never> => {
    this.runner.playback(turnId, state, seq);
    return {};
  };

  'assistant.ask' = ({
    text,
    conversationId,
    speak,
  }: CallInput<'assistant.ask'>): CallOutput<'assistant.ask'> => {
    const turn = this.runner.ask(text, conversationId, speak ?? false);
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
}
