import type { CallInput, CallOutput } from '../../shared/contract.js';
import { CodedError } from '../../shared/errors.js';
import type { Handlers } from '../rpc/server.js';

type VoiceCall =
  | 'voice.status'
  | 'voice.configure'
  | 'voice.turnStart'
  | 'voice.audio'
  | 'voice.turnEnd'
  | 'voice.cancel'
  | 'voice.playback'
  | 'assistant.ask'
  | 'conversations.list'
  | 'conversations.turns';

/** What the voice-turn calls need from the engine (assistant/service.ts implements it). */
export type VoiceApi = {
  readonly [N in VoiceCall]: (input: CallInput<N>) => Promise<CallOutput<N>> | CallOutput<N>;
};

/**
 * The voice/assistant part of the contract's handlers. `api` resolves the service lazily (the
 * store and the VAD load on first use); without one every call answers VOICE_NOT_AVAILABLE.
 */
export function createVoiceHandlers(
  api: () => Promise<VoiceApi | undefined>,
): Pick<Handlers, VoiceCall> {
  const call =
    <N extends VoiceCall>(name: N) =>
    async (input: CallInput<N>): Promise<CallOutput<N>> => {
      const service = await api();
      if (!service)
        throw new CodedError(
          'VOICE_NOT_AVAILABLE',
          'Voice and the assistant are not available in this engine (no profile store).',
        );
      return service[name](input);
    };
  return {
    'voice.status': call('voice.status'),
    'voice.configure': call('voice.configure'),
    'voice.turnStart': call('voice.turnStart'),
    'voice.audio': call('voice.audio'),
    'voice.turnEnd': call('voice.turnEnd'),
    'voice.cancel': call('voice.cancel'),
    'voice.playback': call('voice.playback'),
    'assistant.ask': call('assistant.ask'),
    'conversations.list': call('conversations.list'),
    'conversations.turns': call('conversations.turns'),
  };
}
