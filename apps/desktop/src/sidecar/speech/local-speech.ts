import type { EventPayload } from '../../shared/contract.js';
import type {
  ServerProviderDto,
  SpeechCapabilitiesDto,
  SpeechPathDto,
} from '../../shared/speech.js';
import {
  speechCapabilities,
  type CapabilityOptions,
  type SpeechCapabilities,
} from './capabilities.js';
import { EspeakSynthesiser } from './espeak.js';
import { PocketsphinxRecogniser } from './pocketsphinx.js';
import {
  chooseStt,
  chooseTts,
  sttPolicyFromEnv,
  type CloudPath,
  type SttChoice,
  type SttPolicy,
  type TtsPath,
} from './policy.js';
import { SherpaOfflineRecogniser, SherpaStreamingRecogniser } from './sherpa/recogniser.js';
import { SherpaTtsSynthesiser } from './sherpa/tts.js';
import type { RecogniserId, SpeechRecogniser, SpeechSynthesiser } from './types.js';

type SpeechEmit = <N extends 'speech.capabilities.changed'>(
  name: N,
  payload: EventPayload<N>,
) => void;

export interface CloudState {
  readonly stt: CloudPath;
  readonly tts: CloudPath;
  /** The server's providers and their circuit state, as last asked (Diagnostics). */
  readonly providers?: readonly ServerProviderDto[];
}

export interface LocalSpeechOptions {
  readonly env: NodeJS.ProcessEnv;
  /** What the engine knows about the server's providers (GET /v1/providers, circuits). */
  readonly cloud: () => CloudState;
  readonly emit: SpeechEmit;
  readonly capabilities?: CapabilityOptions;
  readonly warn?: (msg: string) => void;
  /** How often the machine is looked at again (a package installed, a model copied in). */
  readonly recheckMs?: number;
}

const RECHECK_MS = 60_000;

const RECOGNISER_LABELS: Record<RecogniserId, string> = {
  'sherpa-streaming': 'Zipformer (sherpa-onnx, on this computer)',
  'sherpa-offline': 'Moonshine (sherpa-onnx, on this computer)',
  pocketsphinx: 'pocketsphinx (basic accuracy, on this computer)',
};

/**
 * On-device speech for the engine: what works on this workstation and which path a turn takes
 * (decided before the key is pressed, pushed to the renderer whenever it changes), the recogniser
 * and voice for that path (loaded once, kept warm), and nothing else — the turn drives them.
 */
export class LocalSpeech {
  readonly policy: SttPolicy;
  private caps: SpeechCapabilities;
  private dto: SpeechCapabilitiesDto;
  private recognisers = new Map<RecogniserId, Promise<SpeechRecogniser>>();
  private synth: SpeechSynthesiser | undefined;
  private synthLoading: Promise<SpeechSynthesiser | undefined> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly o: LocalSpeechOptions) {
    this.policy = sttPolicyFromEnv(o.env);
    this.caps = speechCapabilities(o.capabilities);
    this.dto = this.build();
    this.timer = setInterval(() => this.refresh(), o.recheckMs ?? RECHECK_MS);
    this.timer.unref();
  }

  /** The STT path a key-down takes now. */
  get stt(): SttChoice {
    return chooseStt(this.policy, this.o.cloud().stt, this.caps);
  }

  /** Where spoken answers come from now (the renderer's OS voices only when nothing local works). */
  get tts(): TtsPath {
    const path = chooseTts(this.o.cloud().tts, this.caps, false);
    return path === 'text-only' ? 'os-voice' : path;
  }

  capabilities(): SpeechCapabilitiesDto {
    return this.dto;
  }

  /**
   * Looks at the machine and the cloud state again; pushes `speech.capabilities.changed` when
   * anything the Talk control or Diagnostics shows is different. Call it when the server's
   * provider list or a circuit changes; it also runs every minute.
   */
  refresh(): SpeechCapabilitiesDto {
    if (this.closed) return this.dto;
    this.caps = speechCapabilities(this.o.capabilities);
    const next = this.build();
    if (JSON.stringify(next) !== JSON.stringify(this.dto)) {
      this.dto = next;
      this.o.emit('speech.capabilities.changed', next);
    }
    return this.dto;
  }

  /** Loads the recogniser the policy picks now (in the background at start: pocketsphinx ~1 s). */
  warm(): void {
    const choice = this.stt;
    if (choice.path === 'on-device') void this.recogniser(choice.recogniser).catch(() => undefined);
    if (this.tts !== 'cloud') void this.synthesiser();
  }

  /** The on-device recogniser `id`, loaded once; a failed load is tried again next time. */
  recogniser(id: RecogniserId): Promise<SpeechRecogniser> {
    let loading = this.recognisers.get(id);
    if (!loading) {
      const dir = this.o.capabilities?.modelsDir;
      const opts = dir === undefined ? {} : { modelsDir: dir };
      loading =
        id === 'pocketsphinx'
          ? PocketsphinxRecogniser.load(this.o.capabilities?.pocketsphinx)
          : id === 'sherpa-streaming'
            ? Promise.resolve().then(() => SherpaStreamingRecogniser.load(opts))
            : SherpaOfflineRecogniser.load(opts);
      loading.catch((err: unknown) => {
        this.recognisers.delete(id);
        this.o.warn?.(`on-device recogniser ${id} did not load: ${errName(err)}`);
      });
      this.recognisers.set(id, loading);
    }
    return loading;
  }

  /** The on-device voice the policy picks (Piper, else eSpeak NG), or undefined for OS voices. */
  async synthesiser(): Promise<SpeechSynthesiser | undefined> {
    const path = this.tts;
    if (path !== 'sherpa-vits' && path !== 'espeak-ng') return undefined;
    if (this.synth?.id === path) return this.synth;
    this.synthLoading ??= (async () => {
      try {
        const dir = this.o.capabilities?.modelsDir;
        this.synth =
          path === 'sherpa-vits'
            ? await SherpaTtsSynthesiser.load(dir === undefined ? {} : { modelsDir: dir })
            : new EspeakSynthesiser(this.o.capabilities?.espeak);
        return this.synth;
      } catch (err) {
        this.o.warn?.(`on-device voice ${path} did not load: ${errName(err)}`);
        return undefined;
      } finally {
        this.synthLoading = undefined;
      }
    })();
    return this.synthLoading;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    const loaded = await Promise.allSettled([...this.recognisers.values()]);
    this.recognisers.clear();
    await Promise.allSettled([
      ...loaded.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)),
      this.synth?.close(),
    ]);
  }

  private build(): SpeechCapabilitiesDto {
    const cloud = this.o.cloud();
    const stt = chooseStt(this.policy, cloud.stt, this.caps);
    const paths: SpeechPathDto[] = [
      cloudRow('stt', cloud.stt, this.policy === 'on-device-only'),
      ...this.caps.recognisers.map((r): SpeechPathDto => ({
        kind: 'stt',
        id: r.id,
        label: RECOGNISER_LABELS[r.id],
        where: 'on-device',
        available: r.available,
        reason: r.reason ?? null,
      })),
      cloudRow('tts', cloud.tts, false),
      ...this.caps.synthesisers.map((s): SpeechPathDto => ({
        kind: 'tts',
        id: s.id,
        label:
          s.id === 'espeak-ng'
            ? 'eSpeak NG (robotic, on this computer)'
            : 'Piper voice (sherpa-onnx, on this computer)',
        where: 'on-device',
        available: s.available,
        reason: s.reason ?? null,
      })),
      {
        kind: 'tts',
        id: 'os-voice',
        label: 'The operating system’s voices (in the app window)',
        where: 'renderer',
        available: true,
        reason: null,
      },
    ];
    return {
      talk: {
        enabled: stt.path !== 'none',
        path: stt.path,
        recogniser: stt.path === 'on-device' ? stt.recogniser : null,
        confirms: stt.path === 'on-device' && stt.accuracy === 'basic',
        sentence: stt.sentence,
      },
      speech: this.tts,
      policy: this.policy,
      paths,
      ...(cloud.providers ? { providers: cloud.providers.slice(0, 16) } : {}),
    };
  }
}

function cloudRow(kind: 'stt' | 'tts', cloud: CloudPath, refused: boolean): SpeechPathDto {
  const what = kind === 'stt' ? 'speech recognition' : 'voice';
  return {
    kind,
    id: 'cloud',
    label: `The clinic’s cloud ${what} (through the sync server)`,
    where: 'server',
    available: !refused && cloud.configured && cloud.usable,
    reason: refused
      ? 'This workstation is set to recognise speech on this computer only (VOICEASSIST_STT_POLICY).'
      : !cloud.configured
        ? `The sync server has no cloud ${what} set up.`
        : !cloud.usable
          ? 'The sync server or the provider cannot be reached just now.'
          : null,
  };
}

const errName = (err: unknown): string =>
  err instanceof Error ? `${err.name}${'code' in err ? ` ${String(err.code)}` : ''}` : typeof err;
