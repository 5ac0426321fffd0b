/**
 * `npm run models:fetch [-- ID... --models-dir DIR --strict --force --list --speech]`
 *
 * Downloads the pinned sentence-transformers models (apps/desktop/src/sidecar/knowledge/embed/
 * models.ts) and the pinned sherpa-onnx speech models (src/sidecar/speech/sherpa/catalog.ts) into
 * resources/models with sha256 verification, for packaging machines that can reach the model hub.
 * Exit codes: 0 ok, 1 failure (message on stderr), 2 usage error.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { messageOf } from '../src/sidecar/knowledge/embed/errors.js';
import { fetchModel } from '../src/sidecar/knowledge/embed/fetch-models.js';
import { PINNED_MODELS } from '../src/sidecar/knowledge/embed/models.js';
import { SPEECH_MODELS, type SpeechModel } from '../src/sidecar/speech/sherpa/catalog.js';
import { fetchSpeechModel } from './models-fetch-speech.js';
import { resolveResources } from '../src/sidecar/resources.js';

/** This checkout's resources/models (a development script, run from the repository). */
const REPO_MODELS_DIR = path.resolve(import.meta.dirname, '..', '..', '..', 'resources', 'models');

const SPEECH: readonly SpeechModel[] = Object.values(SPEECH_MODELS);
const ALL_IDS = [...PINNED_MODELS.map((m) => m.id), ...SPEECH.map((m) => m.id)];

const USAGE = `usage: npm run models:fetch -- [ID...] [--models-dir DIR] [--strict] [--force] [--list] [--speech]

  ID            pinned model ids to fetch (default: all): ${ALL_IDS.join(', ')}
  --speech      only the speech models (${SPEECH.map((m) => m.id).join(', ')})
  --models-dir  target folder (default: VOICEASSIST_MODELS_DIR or resources/models)
  --strict      refuse files that have no pinned sha256
  --force       download again even if the installed folder verifies
  --list        print the pinned models and exit`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'models-dir': { type: 'string' },
        strict: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        list: { type: 'boolean', default: false },
        speech: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    console.error(`${messageOf(error)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.list) {
    for (const m of PINNED_MODELS)
      console.log(`${m.id}\t${m.dimension}-d\t${m.license}\t${m.repo}@${m.revision}`);
    for (const m of SPEECH)
      console.log(`${m.id}\t${m.kind}\t${m.license}\t${m.archiveUrl} sha256:${m.archiveSha256}`);
    return 0;
  }
  const unknown = positionals.filter((id) => !ALL_IDS.includes(id));
  if (unknown.length > 0) {
    console.error(`unknown model id: ${unknown.join(', ')}\n\n${USAGE}`);
    return 2;
  }
  const wantedIds = positionals.length > 0 ? positionals : undefined;
  const models = values.speech
    ? []
    : PINNED_MODELS.filter((m) => wantedIds === undefined || wantedIds.includes(m.id));
  const speech = SPEECH.filter((m) => wantedIds === undefined || wantedIds.includes(m.id));
  const modelsDir = values['models-dir'] ?? resolveResources().modelsDir ?? REPO_MODELS_DIR;
  for (const model of models) {
    try {
      await fetchModel(model, {
        modelsDir,
        strict: values.strict,
        force: values.force,
        progress: (line) => console.log(line),
      });
    } catch (error) {
      console.error(`models:fetch: ${model.id}: ${messageOf(error)}`);
      return 1;
    }
  }
  for (const model of speech) {
    try {
      await fetchSpeechModel(model, {
        modelsDir,
        force: values.force,
        progress: (line) => console.log(line),
      });
    } catch (error) {
      console.error(`models:fetch: ${model.id}: ${messageOf(error)}`);
      return 1;
    }
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
