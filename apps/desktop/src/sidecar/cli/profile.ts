import path from 'node:path';
import { openProfile, type Profile, type ProfileLog } from '../profile.js';
import { writeLine, type CliIO } from './io.js';

/**
 * Progress and key lines of a command on stderr, prefixed with its name (stdout stays for output).
 * `verbose: false` keeps the informational lines (model, key source) back; warnings always show.
 */
export function cliLog(io: CliIO, name: string, verbose = true): ProfileLog {
  return {
    info: (m) => {
      if (verbose) writeLine(io.stderr, `${name}: ${m}`);
    },
    warn: (m) => writeLine(io.stderr, `${name}: warning: ${m}`),
  };
}

/**
 * Opens the profile folder `dir` exactly as the engine does (same key-store order, embedder and
 * resources: profile.ts), runs `fn` and closes it. A store whose vectors are from another model is
 * re-embedded first, in the foreground, so the command's results use the current model.
 */
export async function withProfile<T>(
  io: CliIO,
  dir: string,
  name: string,
  fn: (profile: Profile) => Promise<T>,
  options: { readonly verbose?: boolean } = {},
): Promise<T> {
  const log = cliLog(io, name, options.verbose ?? true);
  const profile = await openProfile({
    dir: path.resolve(io.cwd, dir),
    env: io.env,
    log,
    reembedInBackground: false,
  });
  try {
    if (profile.knowledge.stats().models.some((m) => m.state === 'building')) {
      log.info('re-embedding the store with the current model first');
      await profile.knowledge.reembedNow();
    }
    return await fn(profile);
  } finally {
    await profile.close();
  }
}
