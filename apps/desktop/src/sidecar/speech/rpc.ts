import type { CallInput, CallOutput, EventPayload } from '../../shared/contract.js';
import type { Handlers } from '../rpc/server.js';
import { TranscriptConfirmations } from './confirmation.js';
import { LocalSpeech, type CloudState, type LocalSpeechOptions } from './local-speech.js';

const UNKNOWN_CLOUD: CloudState = {
  stt: { configured: false, usable: false },
  tts: { configured: false, usable: false },
};

/**
 * The engine's on-device speech as the contract exposes it: `speech.capabilities` (and its
 * change event) and `voice.confirm`. The voice turn takes the recogniser, the voice and the
 * confirmations from here; what the server's providers can do comes from the turn's side
 * (`setCloud`), and a change there is pushed to the renderer at once.
 */
export class SpeechRpc {
  readonly local: LocalSpeech;
  readonly confirmations = new TranscriptConfirmations();
  private cloud: () => CloudState = () => UNKNOWN_CLOUD;

  constructor(
    options: Omit<LocalSpeechOptions, 'cloud' | 'emit'> & {
      readonly emit: (
        name: 'speech.capabilities.changed',
        payload: EventPayload<'speech.capabilities.changed'>,
      ) => void;
    },
  ) {
    this.local = new LocalSpeech({ ...options, cloud: () => this.cloud() });
  }

  /** Where the cloud state is read from (the voice service's provider capabilities). */
  setCloud(read: () => CloudState): void {
    this.cloud = read;
    this.local.refresh();
  }

  handlers(): Pick<Handlers, 'speech.capabilities' | 'voice.confirm'> {
    return {
      'speech.capabilities': ({
        refresh,
      }: CallInput<'speech.capabilities'>): CallOutput<'speech.capabilities'> =>
        refresh ? this.local.refresh() : this.local.capabilities(),
      'voice.confirm': ({ turnId, text }: CallInput<'voice.confirm'>) => ({
        accepted: this.confirmations.confirm(turnId, text),
      }),
    };
  }

  close(): Promise<void> {
    return this.local.close();
  }
}
