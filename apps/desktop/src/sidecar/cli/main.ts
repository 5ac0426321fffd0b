import {
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  UsageError,
  writeLine,
  type CliIO,
  type Command,
} from './io.js';

/**
 * Subcommands, loaded lazily so `voiceassist phi` never opens the store and `voiceassist kb` never
 * loads the VAD model. Each feature adds one line here and a file under ./commands.
 */
const COMMANDS: Readonly<Record<string, { summary: string; load: () => Promise<Command> }>> = {
  vad: {
    summary: 'speech segments and per-frame speech probabilities of a WAV file',
    load: async () => (await import('./commands/vad.js')).command,
  },
  kb: {
    summary: 'local knowledge: ingest, search, ask, stats (encrypted store)',
    load: async () => (await import('./commands/kb.js')).command,
  },
  phi: {
    summary: 'redact protected health information from text on stdin (on-device)',
    load: async () => (await import('./commands/phi.js')).command,
  },
  turn: {
    summary: 'run a whole voice turn from a WAV recording against the configured server',
    load: async () => (await import('./commands/turn.js')).command,
  },
  calendar: {
    summary: 'your Nextcloud calendar: add an event from a sentence, list occurrences',
    load: async () => (await import('./commands/calendar.js')).command,
  },
  open: {
    summary: 'a new one-time link to the running workstation UI (web mode)',
    load: async () => (await import('./commands/open.js')).command,
  },
  calc: {
    summary: 'medical calculators: list, run one or JSONL, parse a typed request',
    load: async () => (await import('./commands/calc.js')).command,
  },
};

function helpText(): string {
  const lines = ['usage: voiceassist <command> [options]', '', 'commands:'];
  for (const [name, { summary }] of Object.entries(COMMANDS))
    lines.push(`  ${name.padEnd(8)} ${summary}`);
  lines.push('', "Run `voiceassist <command> --help` for a command's options.");
  return lines.join('\n');
}

function defaultIO(): CliIO {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    interactive: process.stderr.isTTY,
  };
}

export async function main(argv: readonly string[], io: CliIO = defaultIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    writeLine(name === undefined ? io.stderr : io.stdout, helpText());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    writeLine(io.stderr, `voiceassist: unknown command '${name}'\n\n${helpText()}`);
    return EXIT_USAGE;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    writeLine(io.stdout, command.usage);
    return EXIT_OK;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      writeLine(io.stderr, `voiceassist ${name}: ${err.message}\n\n${command.usage}`);
      return EXIT_USAGE;
    }
    writeLine(
      io.stderr,
      `voiceassist ${name}: ${err instanceof Error ? err.message : String(err)}`,
    );
    return EXIT_FAILURE;
  }
}
