import { parseArgs } from 'node:util';

export const USAGE = `usage: sidecar --web [--port N] --renderer-dir DIR
       (no flags: Electron utilityProcess mode, talks to main over process.parentPort)

  --web               serve the built renderer and the RPC WebSocket on 127.0.0.1
  --port N            port to listen on (default 0 = any free port)
  --renderer-dir DIR  folder with the built renderer (index.html), e.g. apps/desktop/dist/renderer

env: VOICEASSIST_SERVER_URL  sync server base URL (its /ready is checked for the health status)
     VOICEASSIST_LOG_LEVEL   pino level for the JSON log on stderr (default info)`;

export type SidecarArgs =
  | { readonly mode: 'utility' }
  | { readonly mode: 'web'; readonly port: number; readonly rendererDir: string }
  | { readonly mode: 'help' };

export class ArgsError extends Error {
  override readonly name = 'ArgsError';
}

export function parseSidecarArgs(argv: readonly string[]): SidecarArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        web: { type: 'boolean', default: false },
        port: { type: 'string', default: '0' },
        'renderer-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    throw new ArgsError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) return { mode: 'help' };
  if (!values.web) return { mode: 'utility' };
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ArgsError(`--port must be an integer 0-65535, got '${values.port}'`);
  const rendererDir = values['renderer-dir'];
  if (rendererDir === undefined)
    throw new ArgsError('--web needs --renderer-dir DIR (the built renderer)');
  return { mode: 'web', port, rendererDir };
}
