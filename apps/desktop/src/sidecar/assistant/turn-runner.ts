import { missingCaseError } from '../../shared/assert.js';
import { CodedError } from '../../shared/errors.js';
import type { KnowledgeBase } from '../knowledge/kb.js';
import type { ProviderCapabilities } from '../providers/capabilities.js';
import type { GatewayClient } from '../providers/client.js';
import { LocalSttSession, confirmedTranscript } from '../speech/local-turn.js';
import type { SpeechRpc } from '../speech/rpc.js';
import type { RecogniserId } from '../speech/types.js';
import type { EchoCanceller } from '../voice/aec.js';
import { rmsDbfs } from '../voice/frames.js';
import type { SpeechProbabilityModel } from '../voice/silero.js';
import { VoiceInput } from '../voice/voice-input.js';
import { floatToInt16, int16ToFloat } from '../voice/wav.js';
import { prepareAnswer, sendAhead, type Preparation } from './answer-plan.js';
import type { AssistantFront } from './front/front.js';
import { respond, type RespondDeps } from './respond.js';
import type { ConversationRepository } from '../store/conversations.js';
import type { TurnRecorder } from './recording.js';
import { Turn, newId, type Emit } from './turn.js';
import type { VoiceSettings } from './voice-settings.js';

export interface FrontEnd {
  readonly vad: SpeechProbabilityModel;
  readonly echoCanceller?: EchoCanceller;
}

export interface ServiceLog {
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
}

export interface TurnRunnerOptions {
  readonly kb: KnowledgeBase;
  readonly conversations: ConversationRepository;
  readonly client: GatewayClient | undefined;
  readonly providers: ProviderCapabilities;
  readonly emit: Emit;
  readonly now: () => number;
  readonly log: ServiceLog;
  /** The clinician's settings as they are now (barge-in by speech, recording). */
  readonly settings: () => VoiceSettings;
  /** Where turns' audio goes while recording is on. */
  readonly recorder: TurnRecorder | undefined;
  /** On-device speech: the STT path policy picks, the recogniser, confirmations, the voice. */
  readonly speech?: SpeechRpc;
  /** The turn's first decision (commands, calculators, clarification, calendar); none: answer. */
  readonly front?: AssistantFront;
}

export type InterruptReason = 'barge-in-key' | 'barge-in-speech' | 'cancel';

const LEVEL_EVERY_MS = 100;

const int16Bytes = (s: Int16Array): Uint8Array =>
  new Uint8Array(s.buffer, s.byteOffset, s.byteLength);

/**
 * Runs turns, one at a time (a new key-down or question is a barge-in on the one before): opens
 * STT at key-down, feeds it the microphone through the VAD and echo canceller, finalizes at
 * key-up while the answer is planned on the last interim transcript, answers, saves the turn.
 * Each turn's state is a `TurnState`; this class moves it.
 */
export class TurnRunner {
  /**
   * Plan the answer (PHI, retrieval, the LLM prompt) on the last interim transcript while STT
   * finalizes, and use it when the final transcript is the same. On by default; the voice bench
   * turns it off for its same-run baseline.
   */
  prepareWhileFinalizing = true;
  /**
   * Send the chat so planned at once, for the gateway to forward when the final transcript is
   * the same (see sendAhead). On by default; the voice bench turns it off for a baseline.
   */
  sendChatAhead = true;

  private current: Turn | undefined;
  private frontEnd: FrontEnd | undefined;
  private lastLevelAt = 0;

  constructor(private readonly o: TurnRunnerOptions) {}

  /** The turn in flight or last run (tests and the CLI wait on `turn.done`). */
  get turn(): Turn | undefined {
    return this.current;
  }

  setFrontEnd(frontEnd: FrontEnd | undefined): void {
    this.frontEnd = frontEnd;
  }

  /** Key-down: stops what is going on and opens the STT stream (or the on-device recogniser). */
  startVoice(conversationId: string | undefined): Turn {
    this.interrupt('barge-in-key');
    const { client, providers, speech } = this.o;
    const choice = speech?.local.stt;
    if (choice?.path === 'on-device') return this.startOnDevice(conversationId, choice.recogniser);
    if (choice?.path === 'none') throw new CodedError('VOICE_STT_NOT_CONFIGURED', choice.sentence);
    if (!client)
      throw new CodedError(
        'VOICE_SERVER_NOT_CONFIGURED',
        'Voice needs the sync server (VOICEASSIST_SERVER_URL and a device key). Type your question instead: answers come from your local sources.',
      );
    if (!providers.usable('stt'))
      throw new CodedError(
        'VOICE_STT_NOT_CONFIGURED',
        'No speech-to-text provider is configured on the sync server. Type your question instead.',
      );
    const turn = new Turn(conversationId ?? newId(), 'voice', this.o.emit);
    turn.marks.keyDown = this.o.now();
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
        if (turn.state === 'listening' || !final)
          turn.emit('voice.transcript', { turnId: turn.id, text: text.slice(0, 20_000), final });
      },
      onError: (err) => {
        if (err.code === 'PROVIDER_NOT_CONFIGURED') void providers.refresh();
        if (turn.running) turn.fail('stt', err);
      },
    });
    // While the clinician speaks: connections for the answer's LLM and TTS requests (the gateway,
    // seeing the STT stream open, does the same towards the providers).
    if (providers.usable('llm') || providers.usable('tts')) void client.preconnect();
    turn.emit('voice.state', { turnId: turn.id, state: 'listening', level: null });
    return turn;
  }

  /** Key-down on the on-device path: audio never leaves the workstation; no LLM/TTS preconnect. */
  private startOnDevice(conversationId: string | undefined, recogniser: RecogniserId): Turn {
    const speech = this.o.speech;
    if (!speech) throw new Error('on-device path without speech'); // startVoice checked it
    const turn = new Turn(conversationId ?? newId(), 'voice', this.o.emit);
    turn.marks.keyDown = this.o.now();
    this.current = turn;
    if (this.frontEnd)
      turn.input = new VoiceInput({
        vad: this.frontEnd.vad,
        ...(this.frontEnd.echoCanceller ? { echoCanceller: this.frontEnd.echoCanceller } : {}),
      });
    turn.stt = new LocalSttSession(speech.local.recogniser(recogniser), {
      signal: turn.abort.signal,
      onTranscript: (text, final) => {
        if (turn.state === 'listening' || !final)
          turn.emit('voice.transcript', { turnId: turn.id, text: text.slice(0, 20_000), final });
      },
      onError: (err) => {
        if (turn.running) turn.fail('stt', err);
      },
    });
    turn.emit('voice.state', { turnId: turn.id, state: 'listening', level: null });
    return turn;
  }

  /**
   * Microphone samples of the turn `turnId`, in order. While listening they go to STT (through
   * the VAD and echo canceller when loaded); while its answer plays they are only watched for
   * the clinician talking over it (barge-in by speech). False when not taken.
   */
  async audio(turnId: string, samples: Int16Array): Promise<boolean> {
    const turn = this.current;
    if (turn?.id !== turnId) return false;
    switch (turn.state) {
      case 'listening':
        return this.listen(turn, samples);
      case 'finalizing':
      case 'answering':
      case 'ended':
        return this.watchForBargeIn(turn, samples);
      case 'failed':
      case 'cancelled':
        return false;
      default:
        throw missingCaseError(turn.state);
    }
  }

  private async listen(turn: Turn, samples: Int16Array): Promise<boolean> {
    if (this.o.settings().recording) this.o.recorder?.push(turn.id, samples);
    this.reportLevel(turn, samples);
    const { stt, input } = turn;
    if (!input) {
      stt?.send(int16Bytes(samples));
      return true;
    }
    const work = input.pushMic(samples).then((frames) => {
      for (const f of frames) stt?.send(int16Bytes(floatToInt16(f.frame)));
    });
    turn.pending = turn.pending.then(() => work).catch(() => undefined);
    await work;
    return true;
  }

  private async watchForBargeIn(turn: Turn, samples: Int16Array): Promise<boolean> {
    if (!this.o.settings().bargeIn || !turn.playbackActive || !turn.input) return false;
    const frames = await turn.input.pushMic(samples);
    if (frames.some((f) => f.bargeIn)) this.interrupt('barge-in-speech');
    return true;
  }

  /** Key-up: finalize STT and answer; resolves at once (results arrive as events). */
  endVoice(turnId: string): Turn {
    const turn = this.current;
    if (turn?.id !== turnId || turn.state !== 'listening')
      throw new CodedError('VOICE_NO_TURN', 'There is no turn listening with this id.');
    turn.marks.keyUp = this.o.now();
    turn.keyUp();
    turn.emit('voice.state', { turnId: turn.id, state: 'thinking', level: null });
    turn.done = this.finishVoice(turn);
    return turn;
  }

  /** A typed question: the same answer as a voice turn's after its transcript. */
  ask(text: string, conversationId: string | undefined, speak: boolean): Turn {
    this.interrupt('barge-in-key');
    const turn = new Turn(conversationId ?? newId(), 'text', this.o.emit);
    this.current = turn;
    turn.marks.keyUp = this.o.now();
    turn.transcript = text;
    turn.emit('voice.state', { turnId: turn.id, state: 'thinking', level: null });
    turn.done = this.run(turn, () => respond(turn, text, 'typed', speak, this.deps()));
    return turn;
  }

  /** The renderer's playback of the turn's audio: feeds the echo canceller, arms barge-in. */
  playback(turnId: string, state: 'playing' | 'ended' | 'stopped', seq?: number): void {
    const turn = this.current;
    if (turn?.id !== turnId) return;
    if (state === 'playing') {
      turn.playbackActive = true;
      turn.input?.setPlaybackActive(true);
      const chunk = seq === undefined ? undefined : turn.unplayed.get(seq);
      if (chunk && seq !== undefined) {
        turn.unplayed.delete(seq);
        turn.input?.pushFarEnd(int16ToFloat(chunk.pcm), chunk.sampleRate);
      }
      return;
    }
    turn.playbackActive = false;
    turn.input?.setPlaybackActive(false);
    if (!turn.running) this.o.emit('voice.state', { turnId: turn.id, state: 'idle', level: null });
  }

  /** Stops the current turn: playback, STT, LLM, TTS. True when there was something to stop. */
  interrupt(reason: InterruptReason): boolean {
    const turn = this.current;
    if (!turn || turn.cancelled) return false;
    if (!turn.running && !turn.playbackActive && turn.unplayed.size === 0) return false;
    this.o.emit('voice.stopPlayback', { turnId: turn.id, reason });
    turn.playbackActive = false;
    turn.input?.setPlaybackActive(false);
    if (turn.cancel(reason)) turn.stt?.close();
    this.o.emit('voice.state', { turnId: turn.id, state: 'idle', level: null });
    return true;
  }

  private reportLevel(turn: Turn, samples: Int16Array): void {
    const t = this.o.now();
    if (t - this.lastLevelAt < LEVEL_EVERY_MS) return;
    this.lastLevelAt = t;
    const level = rmsDbfs(int16ToFloat(samples));
    turn.emit('voice.state', {
      turnId: turn.id,
      state: 'listening',
      level: Number.isFinite(level) ? Math.round(level * 10) / 10 : -120,
    });
  }

  /** Key-up → final transcript (the answer planned meanwhile) → answer. */
  private finishVoice(turn: Turn): Promise<void> {
    return this.run(turn, async () => {
      await turn.pending;
      if (turn.input) await turn.input.finish();
      const stt = turn.stt;
      let transcript: string;
      let early: Promise<Preparation> | undefined;
      try {
        const finalizing = stt ? stt.finalize() : Promise.resolve('');
        early = this.planWhileFinalizing(turn);
        transcript = await finalizing;
      } catch (err) {
        if (turn.cancelled) return;
        turn.fail('stt', stt?.failure ?? err);
        // What was heard before the drop is kept with the turn; a cut-off question is not answered.
        turn.transcript = stt?.transcriptSoFar() ?? '';
        if (turn.transcript === '') turn.giveUp();
        return;
      } finally {
        stt?.close();
      }
      turn.marks.sttFinal = this.o.now();
      turn.transcript = transcript;
      turn.emit('voice.transcript', {
        turnId: turn.id,
        text: transcript.slice(0, 20_000),
        final: true,
      });
      if (stt instanceof LocalSttSession && stt.final && transcript !== '' && this.o.speech) {
        // Held until the clinician confirms or corrects it: nothing is answered before.
        try {
          transcript = await confirmedTranscript(
            turn.id,
            stt.final,
            this.o.speech.confirmations,
            this.o.emit,
            turn.abort.signal,
          );
        } catch (err) {
          if (turn.cancelled) return;
          throw err;
        }
        turn.transcript = transcript;
      }
      if (transcript === '') {
        turn.fail(
          'stt',
          new CodedError(
            'STT_EMPTY',
            'Nothing was recognised. Hold the key while you speak, or type the question.',
          ),
        );
        turn.giveUp();
        return;
      }
      turn.answering();
      await respond(turn, transcript.trim(), 'spoken', true, this.deps(), early);
    });
  }

  /**
   * While STT finalizes, the question as last heard is planned (PHI, retrieval, prompt) and its
   * chat sent ahead; used if the final transcript is the same, which it is when the speaker has
   * finished. It starts once the finalize request is on its way, not competing with it.
   */
  private planWhileFinalizing(turn: Turn): Promise<Preparation> | undefined {
    const stt = turn.stt;
    const heard = stt?.transcriptSoFar().trim() ?? '';
    if (!stt || heard === '' || !this.prepareWhileFinalizing) return undefined;
    // A reply to the assistant's question, or a command or calculator by rule: no answer to plan.
    if (this.o.front && !this.o.front.mayAnswer(turn.conversationId, heard)) return undefined;
    const client = this.o.client;
    // On-device: no send-ahead (the transcript may yet be corrected; the gateway has no stream).
    if (stt instanceof LocalSttSession) {
      const plan = stt
        .finalizeSent()
        .then(() => prepareAnswer(turn.conversationId, heard, this.deps()));
      plan.catch(() => undefined); // an unused plan's failure is nobody's business
      return plan;
    }
    const ahead = this.sendChatAhead;
    const early = stt
      .finalizeSent()
      .then(() => prepareAnswer(turn.conversationId, heard, this.deps()))
      .then((prep) =>
        ahead && client
          ? sendAhead(prep, client, { turnId: stt.turnId, transcript: heard }, turn.abort.signal)
          : prep,
      );
    early.catch(() => undefined); // an unused plan's failure is nobody's business
    return early;
  }

  /** Runs a turn's work, then ends and saves it whatever happened. */
  private async run(turn: Turn, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      if (!turn.cancelled) turn.fail('turn', err);
    } finally {
      this.complete(turn);
    }
  }

  private deps(): RespondDeps {
    const { kb, client, providers, now, speech, front, conversations } = this.o;
    const local = speech?.local;
    const localVoice =
      local && local.tts !== 'cloud' && local.tts !== 'os-voice'
        ? () => local.synthesiser()
        : undefined;
    return {
      kb,
      client,
      providers,
      now,
      front,
      conversations,
      ...(localVoice ? { localVoice } : {}),
    };
  }

  private complete(turn: Turn): void {
    turn.marks.end = this.o.now();
    turn.finish();
    const record = turn.record();
    try {
      this.o.conversations.saveTurn(record);
    } catch (err) {
      this.o.log.warn({ errName: err instanceof Error ? err.name : typeof err }, 'turn not saved');
    }
    if (this.o.settings().recording) void this.o.recorder?.finish(turn.id);
    else this.o.recorder?.discard(turn.id);
    this.o.emit('voice.turnDone', { turn: record });
    if (!turn.playbackActive && turn.nextChunkSeq === 0 && !turn.cancelled)
      this.o.emit('voice.state', { turnId: turn.id, state: 'idle', level: null });
  }
}
