import { parseArgs, type ParseArgsConfig } from 'node:util';

/** What every `voiceassist-server` command shares (kept apart from main.ts, which loads them). */
export type Io = Readonly<{
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}>;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type Command = (args: string[], io: Io) => Promise<number>;

export function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
