import { constants, existsSync } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { IngestProgress } from '../../knowledge/ingest.js';
import type { KnowledgeBase } from '../../knowledge/kb.js';
import type { SearchHit, SearchMode } from '../../knowledge/search.js';
import { KEY_FILE, STORE_FILE } from '../../store/key-stores.js';
import {
  EXIT_FAILURE,
  EXIT_OK,
  UsageError,
  parseCommandArgs,
  writeLine,
  type CliIO,
  type Command,
} from '../io.js';
import { withProfile } from '../profile.js';

const USAGE = `usage:
  voiceassist kb ingest PATH... --store DIR [--tag TAG]... [--source NAME] [--json] [--verbose]
  voiceassist kb search "QUERY" --store DIR [--k 10] [--mode hybrid|bm25|vector] [--json] [--verbose]
  voiceassist kb search --store DIR [--k 10] --jsonl     (stdin: {"id","query"} per line)
  voiceassist kb ask "QUESTION" --store DIR [--json] [--verbose]
  voiceassist kb stats --store DIR [--json] [--verbose]

The store is DIR/knowledge.db, encrypted, opened exactly as the app opens its profile; \`ingest\`
creates DIR (owner-only) when it does not exist, the other commands need an existing store. Its key
comes from VOICEASSIST_DB_KEY (64 hex characters), else the OS keychain, else the key file
DIR/${KEY_FILE} (mode 0600); a new store's key goes to the keychain when one is available, else
to that file. The embedding model follows VOICEASSIST_EMBED_MODEL (auto | use-lite | hashing-bow)
and VOICEASSIST_MODELS_DIR. Quiet by default: --verbose also prints which embedding model and
which key source were used.`;

/**
 * Opens DIR's store. `create`: a folder that does not exist yet is made (owner-only, by
 * openProfile) for a new store; otherwise a missing store is an error, so a mistyped --store never
 * leaves an empty one.
 */
function withStore<T>(
  io: CliIO,
  options: { store: string; verbose: boolean; create?: boolean },
  fn: (kb: KnowledgeBase) => Promise<T>,
): Promise<T> {
  const dir = path.resolve(io.cwd, options.store);
  if (!options.create && !existsSync(path.join(dir, STORE_FILE)))
    return Promise.reject(
      new Error(
        `There is no knowledge store in ${dir}. Check --store, or add documents first with \`voiceassist kb ingest PATH --store ${options.store}\`.`,
      ),
    );
  return withProfile(io, dir, 'kb', (profile) => fn(profile.knowledge), {
    verbose: options.verbose,
  });
}

function progressBar(io: CliIO): ((p: IngestProgress) => void) | undefined {
  if (!io.interactive) return undefined;
  return (p) => {
    const width = 28;
    const frac = p.filesTotal === 0 ? 1 : p.filesDone / p.filesTotal;
    const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
    const eta = p.etaMs === null ? '' : ` ETA ${Math.ceil(p.etaMs / 1000)}s`;
    io.stderr.write(
      `\r[${bar}] ${p.filesDone}/${p.filesTotal} files, ${p.chunksDone} chunks, ${p.filesSkipped} skipped${eta}   `,
    );
    if (p.phase === 'done' || p.phase === 'cancelled') io.stderr.write('\n');
  };
}

function hitJson(h: SearchHit): Record<string, unknown> {
  return {
    sourcePath: h.sourcePath,
    title: h.title,
    score: Number(h.score.toFixed(6)),
    text: h.text,
    start: h.start,
    end: h.end,
    page: h.page,
  };
}

function parseK(raw: unknown): number {
  if (raw === undefined) return 10;
  const k = Number(raw);
  if (!Number.isInteger(k) || k < 1 || k > 1000)
    throw new UsageError('--k must be an integer from 1 to 1000');
  return k;
}

function parseMode(raw: unknown): SearchMode {
  if (raw === undefined) return 'hybrid';
  if (raw === 'hybrid' || raw === 'bm25' || raw === 'vector') return raw;
  throw new UsageError('--mode must be hybrid, bm25 or vector');
}

/**
 * Arguments that look like options but were not parsed as one ("[--json]" copied from the usage,
 * "—json" with a dash the editor changed): rejected rather than read as part of a query or a path.
 */
function checkPositionals(positionals: readonly string[]): void {
  const odd = positionals.find((p) => /^\[.*\]$/.test(p) || /^[-–—]{1,2}\p{L}/u.test(p));
  if (odd !== undefined) throw new UsageError(`unknown argument '${odd}'`);
}

/** Every path must exist and be readable before a store is opened or created. */
async function checkReadable(io: CliIO, paths: readonly string[]): Promise<void> {
  for (const p of paths) {
    const full = path.resolve(io.cwd, p);
    try {
      await stat(full);
      await access(full, constants.R_OK);
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      throw new Error(
        missing
          ? `${full} does not exist. Check the path; nothing was added.`
          : `${full} cannot be read (permission denied). Check its permissions; nothing was added.`,
        { cause: err },
      );
    }
  }
}

function requireStore(values: Record<string, unknown>): string {
  const store = values.store;
  if (typeof store !== 'string' || store === '') throw new UsageError('--store DIR is required');
  return store;
}

async function ingest(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    store: { type: 'string' },
    json: { type: 'boolean' },
    tag: { type: 'string', multiple: true },
    source: { type: 'string' },
    verbose: { type: 'boolean' },
  });
  const store = requireStore(values);
  checkPositionals(positionals);
  if (positionals.length === 0) throw new UsageError('give at least one file or folder to ingest');
  await checkReadable(io, positionals);
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    const report = await withStore(
      io,
      { store, verbose: values.verbose === true, create: true },
      async (kb) => {
        const onProgress = progressBar(io);
        const opts = { signal: abort.signal, ...(onProgress ? { onProgress } : {}) };
        if (kb.unfinishedJobs().length > 0) {
          if (values.verbose)
            writeLine(io.stderr, 'kb: resuming an ingestion that was interrupted');
          await kb.resumeIngestion(opts);
        }
        return kb.ingest(positionals, {
          ...opts,
          cwd: io.cwd,
          tags: (values.tag as string[] | undefined) ?? [],
          ...(typeof values.source === 'string' ? { source: values.source } : {}),
        });
      },
    );
    if (values.json) writeLine(io.stdout, JSON.stringify(report));
    else {
      writeLine(
        io.stdout,
        `${report.added} added, ${report.updated} updated, ${report.unchanged} unchanged, ${report.skipped} skipped; ${report.chunks} chunks${report.cancelled ? ' (cancelled)' : ''}`,
      );
      for (const f of report.files)
        if (f.outcome === 'skipped')
          writeLine(io.stdout, `  skipped ${f.path}: ${f.reason ?? ''} [${f.code ?? ''}]`);
    }
    return report.cancelled ? EXIT_FAILURE : EXIT_OK;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

async function search(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    store: { type: 'string' },
    k: { type: 'string' },
    mode: { type: 'string' },
    json: { type: 'boolean' },
    jsonl: { type: 'boolean' },
    verbose: { type: 'boolean' },
  });
  const store = requireStore(values);
  checkPositionals(positionals);
  const opts = { store, verbose: values.verbose === true };
  const k = parseK(values.k);
  const mode = parseMode(values.mode);
  if (values.jsonl) {
    if (positionals.length > 0)
      throw new UsageError('--jsonl reads queries from stdin: give no QUERY');
    return withStore(io, opts, async (kb) => {
      let failures = 0;
      const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
      for await (const line of lines) {
        if (line.trim() === '') continue;
        let id: unknown = null;
        try {
          const req = JSON.parse(line) as { id?: unknown; query?: unknown };
          id = req.id ?? null;
          if (typeof req.query !== 'string') throw new Error('each line needs a string "query"');
          const { hits } = await kb.search(req.query, { k, mode });
          writeLine(io.stdout, JSON.stringify({ id, results: hits.map(hitJson) }));
        } catch (err) {
          failures++;
          writeLine(
            io.stdout,
            JSON.stringify({ id, error: err instanceof Error ? err.message : String(err) }),
          );
        }
      }
      return failures > 0 ? EXIT_FAILURE : EXIT_OK;
    });
  }
  const query = positionals.join(' ').trim();
  if (!query) throw new UsageError('give a QUERY, or --jsonl to read queries from stdin');
  return withStore(io, opts, async (kb) => {
    const { hits, vectorSearch } = await kb.search(query, { k, mode });
    if (values.json) writeLine(io.stdout, JSON.stringify({ results: hits.map(hitJson) }));
    else {
      if (vectorSearch !== 'full')
        writeLine(io.stderr, 'kb: vector index rebuilding; keyword search only');
      hits.forEach((h, i) => {
        const where = h.page === null ? '' : ` p.${h.page}`;
        writeLine(
          io.stdout,
          `${i + 1}. ${h.title} (${h.score.toFixed(3)}) ${h.sourcePath}${where} [${h.start}-${h.end}]`,
        );
        writeLine(io.stdout, `   ${h.text.replace(/\s+/g, ' ').slice(0, 160)}`);
      });
      if (hits.length === 0) writeLine(io.stdout, 'no results');
    }
    return EXIT_OK;
  });
}

async function ask(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    store: { type: 'string' },
    json: { type: 'boolean' },
    verbose: { type: 'boolean' },
  });
  const store = requireStore(values);
  checkPositionals(positionals);
  const question = positionals.join(' ').trim();
  if (!question) throw new UsageError('give a QUESTION');
  return withStore(io, { store, verbose: values.verbose === true }, async (kb) => {
    const a = await kb.answer(question);
    if (values.json)
      writeLine(
        io.stdout,
        JSON.stringify({
          answer: a.answer,
          sentences: a.sentences.map((s) => ({
            text: s.text,
            citations: s.citations.map((c) => ({
              sourcePath: c.sourcePath,
              start: c.start,
              end: c.end,
            })),
          })),
          covered: a.covered,
          confidence: Math.round(a.confidence * 1000) / 1000,
          ...(a.notice ? { notice: a.notice } : {}),
        }),
      );
    else {
      if (!a.covered) {
        writeLine(io.stdout, a.answer);
        for (const s of a.sentences) writeLine(io.stdout, `  > ${s.text.replace(/\s+/g, ' ')}`);
        for (const s of a.sources.slice(0, 5))
          writeLine(io.stdout, `  - ${s.title}: ${s.sourcePath}`);
      } else
        a.sentences.forEach((s, i) => {
          const c = s.citations[0];
          writeLine(io.stdout, `${s.text.replace(/\s+/g, ' ')} [${i + 1}]`);
          if (c)
            writeLine(
              io.stderr,
              `  [${i + 1}] ${c.sourcePath}:${c.start}-${c.end}${c.page === null ? '' : ` p.${c.page}`}`,
            );
        });
    }
    return EXIT_OK;
  });
}

async function stats(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    store: { type: 'string' },
    json: { type: 'boolean' },
    verbose: { type: 'boolean' },
  });
  const store = requireStore(values);
  if (positionals.length > 0) throw new UsageError(`unknown argument '${positionals[0] ?? ''}'`);
  return withStore(io, { store, verbose: values.verbose === true }, (kb) => {
    const s = kb.stats();
    if (values.json) writeLine(io.stdout, JSON.stringify(s));
    else
      writeLine(
        io.stdout,
        `${s.documents} documents, ${s.chunks} chunks, ${s.fileBytes} bytes; model ${s.models.map((m) => `${m.modelId} (${m.state}, ${m.vectors} vectors)`).join(', ')}`,
      );
    return Promise.resolve(EXIT_OK);
  });
}

const SUBCOMMANDS: Readonly<
  Record<string, (args: readonly string[], io: CliIO) => Promise<number>>
> = {
  ingest,
  search,
  ask,
  stats,
};

export const command: Command = {
  name: 'kb',
  summary: 'local knowledge: ingest, search, ask, stats (encrypted store)',
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    const fn = sub === undefined ? undefined : SUBCOMMANDS[sub];
    if (!fn)
      throw new UsageError(
        sub === undefined ? 'missing subcommand' : `unknown subcommand '${sub}'`,
      );
    return fn(rest, io);
  },
};
