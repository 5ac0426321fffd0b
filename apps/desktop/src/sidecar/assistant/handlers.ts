import type { AudioFrame } from '../../shared/audio-frame.js';
import type { CallInput, CallOutput } from '../../shared/contract.js';
import { CodedError } from '../../shared/errors.js';
import type { Handlers } from '../rpc/server.js';

type VoiceCall =
  | 'voice.status'
  | 'voice.configure'
  | 'voice.turnStart'
  | 'voice.turnEnd'
  | 'voice.cancel'
  | 'voice.playback'
  | 'assistant.ask'
  | 'conversations.list'
  | 'conversations.turns';

type VoiceCalls = {
  readonly [N in VoiceCall]: (input: CallInput<N>) => Promise<CallOutput<N>> | CallOutput<N>;
};

/** What the voice-turn calls need from the engine (assistant/service.ts implements it). */
export type VoiceApi = VoiceCalls & {
  /** A microphone frame (binary, fire-and-forget): never answered, problems go to the turn. */
  readonly audioFrame: (frame: AudioFrame) => void;
};

/**
 * The voice/assistant part of the contract's handlers. `api` resolves the service lazily (the
 * store and the VAD load on first use); without one every call answers VOICE_NOT_AVAILABLE.
 */
export function createVoiceHandlers(
  api: () => Promise<VoiceApi | undefined>,
): Pick<Handlers, VoiceCall | 'audio'> {
  const call =
    <N extends VoiceCall>(name: N) =>
    async (input: CallInput<N>): Promise<CallOutput<N>> => {
      const service = await api();
      if (!service)
        throw new CodedError(
          'VOICE_NOT_AVAILABLE',
          'Voice and the assistant are not available in this engine (no profile store).',
        );
      const calls: VoiceCalls = service;
      return calls[name](input);
    };
  // Frames of one connection reach the service in arrival order: each waits on the same promise.
  let service: Promise<VoiceApi | undefined> | undefined;
  const audio = (frame: AudioFrame): void => {
    service ??= api().finally(() => (service = undefined));
    void service.then((s) => s?.audioFrame(frame));
  };
  return {
    audio,
    'voice.status': call('voice.status'),
    'voice.configure': call('voice.configure'),
    'voice.turnStart': call('voice.turnStart'),
    'voice.turnEnd': call('voice.turnEnd'),
    'voice.cancel': call('voice.cancel'),
    'voice.playback': call('voice.playback'),
    'assistant.ask': call('assistant.ask'),
    'conversations.list': call('conversations.list'),
    'conversations.turns': call('conversations.turns'),
  };
}
