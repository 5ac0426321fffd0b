import type { SpeechCapabilities } from './capabilities.js';
import type { RecogniserAccuracy, RecogniserId, SynthesiserId } from './types.js';

/**
 * Which speech path a turn takes, decided before the key is pressed so the Talk control can say
 * what will happen. Pure: the caller supplies what it knows about the cloud relay (from the
 * server's provider list and the circuit breaker) and the on-device capabilities.
 */
export type SttPolicy = 'on-device-only' | 'cloud-with-fallback' | 'cloud-only';

export const STT_POLICIES: readonly SttPolicy[] = [
  'on-device-only',
  'cloud-with-fallback',
  'cloud-only',
];

/** What the engine knows about one cloud provider path through the sync server. */
export interface CloudPath {
  /** The server has the provider configured (and a BAA covers audio, for STT). */
  readonly configured: boolean;
  /** The server answered recently and the provider's circuit is not open. */
  readonly usable: boolean;
}

export type SttChoice =
  | {
      readonly path: 'cloud';
      readonly audioLeavesWorkstation: true;
      /** On-device recogniser to switch to if the cloud fails mid-turn, when policy allows. */
      readonly fallback: RecogniserId | undefined;
      readonly sentence: string;
    }
  | {
      readonly path: 'on-device';
      readonly recogniser: RecogniserId;
      readonly accuracy: RecogniserAccuracy;
      readonly audioLeavesWorkstation: false;
      readonly sentence: string;
    }
  | { readonly path: 'none'; readonly audioLeavesWorkstation: false; readonly sentence: string };

/**
 * `VOICEASSIST_STT_POLICY` (one of STT_POLICIES); `VOICEASSIST_STT_AUDIO=block`, the older switch
 * that refuses to send microphone audio, means on-device only. Default: cloud with on-device
 * fallback. An unknown value is an error the operator must fix, not a silent default.
 */
export function sttPolicyFromEnv(env: NodeJS.ProcessEnv): SttPolicy {
  const raw = env.VOICEASSIST_STT_POLICY;
  if (raw !== undefined && raw !== '') {
    if ((STT_POLICIES as readonly string[]).includes(raw)) return raw as SttPolicy;
    throw new RangeError(
      `VOICEASSIST_STT_POLICY=${raw} is not one of ${STT_POLICIES.join(', ')}; set one of them or leave it unset.`,
    );
  }
  return env.VOICEASSIST_STT_AUDIO === 'block' ? 'on-device-only' : 'cloud-with-fallback';
}

function bestOnDevice(
  caps: SpeechCapabilities,
): { id: RecogniserId; accuracy: RecogniserAccuracy } | undefined {
  const r = caps.recognisers.find((x) => x.available);
  return r && { id: r.id, accuracy: r.accuracy };
}

function onDeviceSentence(accuracy: RecogniserAccuracy): string {
  return accuracy === 'basic'
    ? 'Speech is recognised on this computer with basic accuracy; you will confirm the text before it is answered.'
    : 'Speech is recognised on this computer; audio does not leave it.';
}

export function chooseStt(
  policy: SttPolicy,
  cloud: CloudPath,
  caps: SpeechCapabilities,
): SttChoice {
  const local = bestOnDevice(caps);
  const cloudOk = cloud.configured && cloud.usable;
  if (policy !== 'on-device-only' && cloudOk)
    return {
      path: 'cloud',
      audioLeavesWorkstation: true,
      fallback: policy === 'cloud-with-fallback' ? local?.id : undefined,
      sentence: 'Speech is recognised by the clinic’s cloud service (under its agreement).',
    };
  if (policy !== 'cloud-only' && local)
    return {
      path: 'on-device',
      recogniser: local.id,
      accuracy: local.accuracy,
      audioLeavesWorkstation: false,
      sentence: onDeviceSentence(local.accuracy),
    };
  const why =
    policy === 'cloud-only'
      ? cloud.configured
        ? 'Speech recognition is unavailable: the cloud service cannot be reached and this workstation is set to use only the cloud; type your question instead.'
        : 'Speech recognition is unavailable: no cloud service is set up and this workstation is set to use only the cloud; type your question instead.'
      : 'Speech recognition is unavailable: nothing is installed to recognise speech on this computer; type your question, or ask IT to install pocketsphinx or the speech models.';
  return { path: 'none', audioLeavesWorkstation: false, sentence: why };
}

export type TtsPath = 'cloud' | SynthesiserId | 'os-voice' | 'text-only';

/**
 * Where spoken answers come from: the cloud voice when usable, a neural on-device voice, the
 * operating system's voices (the renderer reports whether it has any), eSpeak NG, or text only.
 */
export function chooseTts(
  cloud: CloudPath,
  caps: SpeechCapabilities,
  osHasVoices: boolean,
): TtsPath {
  if (cloud.configured && cloud.usable) return 'cloud';
  if (caps.synthesisers.find((s) => s.id === 'sherpa-vits')?.available) return 'sherpa-vits';
  if (osHasVoices) return 'os-voice';
  if (caps.synthesisers.find((s) => s.id === 'espeak-ng')?.available) return 'espeak-ng';
  return 'text-only';
}
