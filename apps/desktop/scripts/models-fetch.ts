/**
 * `npm run models:fetch [-- ID... --models-dir DIR --strict --force --list]`
 *
 * Downloads the pinned sentence-transformers models (apps/desktop/src/sidecar/knowledge/embed/
 * models.ts) into resources/models/<id>/ with sha256 verification, for packaging machines that can
 * reach the model hub. Exit codes: 0 ok, 1 failure (message on stderr), 2 usage error.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { messageOf } from '../src/sidecar/knowledge/embed/errors.js';
import { fetchModel } from '../src/sidecar/knowledge/embed/fetch-models.js';
import { PINNED_MODELS } from '../src/sidecar/knowledge/embed/models.js';
import { resolveResources } from '../src/sidecar/resources.js';

/** This checkout's resources/models (a development script, run from the repository). */
const REPO_MODELS_DIR = path.resolve(import.meta.dirname, '..', '..', '..', 'resources', 'models');

const USAGE = `usage: npm run models:fetch -- [ID...] [--models-dir DIR] [--strict] [--force] [--list]

  ID            pinned model ids to fetch (default: all): ${PINNED_MODELS.map((m) => m.id).join(', ')}
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
    return 0;
  }
  const unknown = positionals.filter((id) => !PINNED_MODELS.some((m) => m.id === id));
  if (unknown.length > 0) {
    console.error(`unknown model id: ${unknown.join(', ')}\n\n${USAGE}`);
    return 2;
  }
  const models =
    positionals.length > 0
      ? PINNED_MODELS.filter((m) => positionals.includes(m.id))
      : PINNED_MODELS;
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
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
