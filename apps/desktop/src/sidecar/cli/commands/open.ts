import path from 'node:path';
import {
  WebControlError,
  readControlFile,
  requestLaunchLink,
} from '../../transport/web-control.js';
import {
  EXIT_FAILURE,
  EXIT_OK,
  parseCommandArgs,
  UsageError,
  writeLine,
  type Command,
} from '../io.js';

const USAGE = `usage: voiceassist open [--profile DIR] [--json]

Prints a new one-time link to the workstation UI of the engine running in web mode (as \`npm start\`
runs it), so the UI can be opened again without restarting anything. Each link opens the UI once;
run this again for another.

  --profile DIR  the running engine's profile folder (default: VOICEASSIST_PROFILE_DIR, else
                 $VOICEASSIST_HOME/profile, else .voiceassist/profile here — npm start's)
  --json         print {"url": …}

exit codes: 0 printed, 1 no engine running in web mode for that profile, 2 wrong usage`;

function profileDir(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  if (flag) return path.resolve(cwd, flag);
  if (env.VOICEASSIST_PROFILE_DIR) return path.resolve(cwd, env.VOICEASSIST_PROFILE_DIR);
  return path.resolve(cwd, env.VOICEASSIST_HOME ?? '.voiceassist', 'profile');
}

export const command: Command = {
  name: 'open',
  summary: 'a new one-time link to the running workstation UI (web mode)',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      profile: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected '${positionals.join(' ')}'`);
    const dir = profileDir(values.profile as string | undefined, io.env, io.cwd);
    const info = readControlFile(dir);
    if (!info) {
      writeLine(
        io.stderr,
        `voiceassist open: no workstation is running in web mode for the profile ${dir}. Start it with \`npm start\` (or give its profile with --profile).`,
      );
      return EXIT_FAILURE;
    }
    let url: string;
    try {
      url = await requestLaunchLink(info);
    } catch (err) {
      const why = err instanceof WebControlError ? err.message : 'it could not be reached';
      writeLine(
        io.stderr,
        `voiceassist open: the workstation engine for ${dir} did not give a link (${why}). If it has stopped, start it again with \`npm start\`.`,
      );
      return EXIT_FAILURE;
    }
    writeLine(io.stdout, values.json ? JSON.stringify({ url }) : url);
    return EXIT_OK;
  },
};
