import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The sherpa-onnx speech models `npm run models:fetch -- --speech` installs into
 * `<models>/<dir>/`, each pinned by the sha256 of its release archive. The digests were not computed
 * here (the build machines cannot reach the model hub): each is the one published for that exact
 * archive name by independent projects that pin it, and where two were found they agree. The fetch
 * refuses any other bytes, so a wrong pin fails loudly instead of installing something unverified.
 */
export type SpeechModelKind = 'stt-streaming' | 'stt-offline' | 'tts';

export interface SpeechModel {
  readonly id: string;
  readonly kind: SpeechModelKind;
  /** Folder inside the models folder: the archive's top folder. */
  readonly dir: string;
  readonly archiveUrl: string;
  readonly archiveSha256: string;
  /** Files (or folders) the runtime loads, relative to `dir`; all must exist after extraction. */
  readonly files: Readonly<Record<string, string>>;
  readonly license: string;
  readonly note: string;
}

const ASR = 'https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models';
const TTS = 'https://github.com/k2-fsa/sherpa-onnx/releases/download/tts-models';

export const SPEECH_MODELS = {
  'zipformer-en-20m': {
    id: 'zipformer-en-20m',
    kind: 'stt-streaming',
    dir: 'sherpa-onnx-streaming-zipformer-en-20M-2023-02-17',
    archiveUrl: `${ASR}/sherpa-onnx-streaming-zipformer-en-20M-2023-02-17.tar.bz2`,
    archiveSha256: '9c559283e8498d3fe95913c79ca1cb454bb26281ac2b102b41306c7d752765d9',
    files: {
      encoder: 'encoder-epoch-99-avg-1.int8.onnx',
      decoder: 'decoder-epoch-99-avg-1.onnx',
      joiner: 'joiner-epoch-99-avg-1.int8.onnx',
      tokens: 'tokens.txt',
    },
    license: 'Apache-2.0 (icefall; trained on LibriSpeech, CC BY 4.0)',
    note: 'streaming transducer, 20M parameters: interim text while the key is held',
  },
  'moonshine-base-en': {
    id: 'moonshine-base-en',
    kind: 'stt-offline',
    dir: 'sherpa-onnx-moonshine-base-en-int8',
    archiveUrl: `${ASR}/sherpa-onnx-moonshine-base-en-int8.tar.bz2`,
    archiveSha256: '21870cecaa2e44e4e2bf63e02d1072bed183ccd10284871353bd9d24dad14e5e',
    files: {
      preprocessor: 'preprocess.onnx',
      encoder: 'encode.int8.onnx',
      uncachedDecoder: 'uncached_decode.int8.onnx',
      cachedDecoder: 'cached_decode.int8.onnx',
      tokens: 'tokens.txt',
    },
    license: 'MIT (Useful Sensors Moonshine)',
    note: 'offline encoder-decoder: one transcript at key-up, more accurate than the streaming model',
  },
  'piper-en-us-lessac-medium': {
    id: 'piper-en-us-lessac-medium',
    kind: 'tts',
    dir: 'vits-piper-en_US-lessac-medium',
    archiveUrl: `${TTS}/vits-piper-en_US-lessac-medium.tar.bz2`,
    archiveSha256: '9e3febfacf0abf4270172d2958bcec246032b7e88efc2720840cc80c93de334e',
    files: {
      model: 'en_US-lessac-medium.onnx',
      tokens: 'tokens.txt',
      dataDir: 'espeak-ng-data',
    },
    license:
      'Piper voice (MIT code); the Lessac dataset terms in the archive’s MODEL_CARD apply: review before shipping',
    note: 'Piper VITS voice, 22.05 kHz',
  },
} as const satisfies Record<string, SpeechModel>;

export type SpeechModelId = keyof typeof SPEECH_MODELS;

/** `resources/models` of this checkout (apps/desktop/src/sidecar/speech/sherpa → repo root). */
const REPO_MODELS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  '..',
  '..',
  '..',
  'resources',
  'models',
);

/** The models folder: explicit option → `VOICEASSIST_MODELS_DIR` → `<repo>/resources/models`. */
export function speechModelsDir(modelsDir?: string, env: NodeJS.ProcessEnv = process.env): string {
  return modelsDir ?? env.VOICEASSIST_MODELS_DIR ?? REPO_MODELS_DIR;
}

/** Absolute paths of a model's files, or undefined when any is missing (not fetched here). */
export function resolveSpeechModel<Id extends SpeechModelId>(
  id: Id,
  modelsDir?: string,
): Record<keyof (typeof SPEECH_MODELS)[Id]['files'], string> | undefined {
  const model: SpeechModel = SPEECH_MODELS[id];
  const root = path.join(speechModelsDir(modelsDir), model.dir);
  const out: Record<string, string> = {};
  for (const [key, rel] of Object.entries(model.files)) {
    const abs = path.join(root, rel);
    if (!existsSync(abs)) return undefined;
    out[key] = abs;
  }
  return out as Record<keyof (typeof SPEECH_MODELS)[Id]['files'], string>;
}
