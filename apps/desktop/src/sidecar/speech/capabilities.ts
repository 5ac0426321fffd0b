import { espeakUnavailable, type EspeakOptions } from './espeak.js';
import { pocketsphinxUnavailable, type PocketsphinxOptions } from './pocketsphinx.js';
import { resolveSpeechModel, type SpeechModelId } from './sherpa/catalog.js';
import { sherpaUnavailable } from './sherpa/runtime.js';
import type { RecogniserAccuracy, RecogniserId, SynthesiserId } from './types.js';

/**
 * What on-device speech this workstation can do, checked without loading a model or starting a
 * recogniser (cheap enough for start-up and Diagnostics): for the Talk control to say what will
 * happen before it is pressed, and to pick a recogniser by policy.
 */
export interface SpeechPath<Id extends string> {
  readonly id: Id;
  readonly available: boolean;
  /** Why not, in one sentence a person can act on (names the package or the fetch command). */
  readonly reason?: string;
}

export interface SpeechCapabilities {
  /** Best first: standard-accuracy recognisers before basic ones. */
  readonly recognisers: readonly (SpeechPath<RecogniserId> & {
    readonly accuracy: RecogniserAccuracy;
  })[];
  /** Best first: a neural voice before eSpeak NG. */
  readonly synthesisers: readonly SpeechPath<SynthesiserId>[];
}

export interface CapabilityOptions {
  readonly modelsDir?: string;
  readonly pocketsphinx?: PocketsphinxOptions;
  readonly espeak?: EspeakOptions;
}

function sherpaPath(
  runtime: string | undefined,
  model: SpeechModelId,
  modelsDir: string | undefined,
): { available: boolean; reason?: string } {
  if (runtime !== undefined) return { available: false, reason: runtime };
  if (resolveSpeechModel(model, modelsDir) === undefined)
    return {
      available: false,
      reason: `The ${model} model is not installed: run npm run models:fetch -- ${model} where the model hub is reachable, and copy resources/models here.`,
    };
  return { available: true };
}

export function speechCapabilities(options: CapabilityOptions = {}): SpeechCapabilities {
  const runtime = sherpaUnavailable();
  const ps = pocketsphinxUnavailable(options.pocketsphinx);
  const espeak = espeakUnavailable(options.espeak);
  const reason = (why: string | undefined): { available: boolean; reason?: string } =>
    why === undefined ? { available: true } : { available: false, reason: `${why}.` };
  return {
    recognisers: [
      {
        id: 'sherpa-streaming',
        accuracy: 'standard',
        ...sherpaPath(runtime, 'zipformer-en-20m', options.modelsDir),
      },
      {
        id: 'sherpa-offline',
        accuracy: 'standard',
        ...sherpaPath(runtime, 'moonshine-base-en', options.modelsDir),
      },
      { id: 'pocketsphinx', accuracy: 'basic', ...reason(ps) },
    ],
    synthesisers: [
      { id: 'sherpa-vits', ...sherpaPath(runtime, 'piper-en-us-lessac-medium', options.modelsDir) },
      { id: 'espeak-ng', ...reason(espeak) },
    ],
  };
}
