/**
 * The engine's resident memory and start-up time, as a new user meets them: the web-mode engine is
 * launched the way `npm start` launches it, a client does what the UI does on opening (health,
 * voice status, the sources list: the store and the default embedder open), N MedQuAD documents
 * are added through `knowledge.ingest`, then a few searches and typed questions run.
 *
 *   npx tsx bench/engine/run.ts [--docs 2000] [--launches 5] [--base REV] [--skip-memory]
 *
 * `--base REV` (with `--base-only`: only it) measures the same things on that commit (git archive into a temp folder sharing
 * this checkout's node_modules) in the same run, launched as `npm start` launched it there.
 * Needs ../shared/data/medquad (says so and measures start-up only when it is absent).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { cpuMs, MemorySampler, treeMemory, type TreeMemory } from './rss.js';
import { EngineSocket } from './socket.js';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const MEDQUAD = path.resolve(REPO, '..', 'shared', 'data', 'medquad', 'docs.jsonl');
const READY = /^workstation ready at (http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+)$/;
const SETTLE_MS = 2_000;

const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '2000' },
    launches: { type: 'string', default: '5' },
    base: { type: 'string' },
    'skip-memory': { type: 'boolean', default: false },
    /** Measure only the --base commit (e.g. to record the numbers before a change). */
    'base-only': { type: 'boolean', default: false },
  },
});
const DOCS = Number(values.docs);
const LAUNCHES = Number(values.launches);

interface Target {
  readonly label: string;
  readonly root: string;
  /** How the engine process is started (`npm start`'s way at that commit). */
  readonly command: (root: string) => { cmd: string; args: string[] };
}

const viaTsxCli = (root: string) => ({
  cmd: path.join(REPO, 'node_modules', '.bin', 'tsx'),
  args: [path.join(root, 'apps/desktop/src/sidecar/index.ts')],
});
const viaDist = (root: string) => ({
  cmd: process.execPath,
  args: [path.join(root, 'apps/desktop/dist/sidecar/index.mjs')],
});

function log(msg: string): void {
  process.stderr.write(`[engine bench] ${msg}\n`);
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = s[Math.floor(pos)] ?? NaN;
  const hi = s[Math.ceil(pos)] ?? NaN;
  return Math.round((lo + (hi - lo) * (pos - Math.floor(pos))) * 10) / 10;
}
const summary = (xs: readonly number[]) => ({
  n: xs.length,
  median: quantile(xs, 0.5),
  p95: quantile(xs, 0.95),
});
/** 1-, 5- and 15-minute load averages: other agents share the 2 cores. */
const loadAverage = (): number[] => os.loadavg().map((l) => Math.round(l * 100) / 100);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Launched {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly url: string;
  readonly readyMs: number;
  /** CPU time the engine had used when its ready line arrived. */
  readonly readyCpuMs: number;
  stop(): Promise<void>;
}

async function launch(
  target: Target,
  env: NodeJS.ProcessEnv,
  rendererDir: string,
): Promise<Launched> {
  const { cmd, args } = target.command(target.root);
  const t0 = performance.now();
  const child = spawn(cmd, [...args, '--web', '--port', '0', '--renderer-dir', rendererDir], {
    cwd: target.root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    stderr = (stderr + c).slice(-8_000);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  };
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = READY.exec(line);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) =>
      reject(new Error(`engine exited (${code}) before ready:\n${stderr}`)),
    );
  });
  const readyMs = performance.now() - t0;
  const pid = child.pid ?? -1;
  return { child, pid, url, readyMs, readyCpuMs: cpuMs(pid), stop };
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        t = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(t);
  }
}

/** What the UI asks on opening (Ask view, then the Knowledge view): opens store and embedder. */
async function openLikeTheUi(socket: EngineSocket): Promise<void> {
  await socket.call('health', { refresh: false });
  await withTimeout(socket.call('voice.status', { refresh: true }), 120_000, 'voice.status');
  await withTimeout(socket.call('knowledge.sources', {}), 120_000, 'knowledge.sources');
}

async function startup(target: Target, env: NodeJS.ProcessEnv, rendererDir: string) {
  const ready: number[] = [];
  const readyCpu: number[] = [];
  const opened: number[] = [];
  const rssReady: number[] = [];
  const rssOpened: number[] = [];
  for (let i = 0; i < LAUNCHES; i++) {
    const profile = await mkdtemp(path.join(os.tmpdir(), 'va-bench-engine-p-'));
    const t0 = performance.now();
    const engine = await launch(target, { ...env, VOICEASSIST_PROFILE_DIR: profile }, rendererDir);
    try {
      ready.push(engine.readyMs);
      readyCpu.push(engine.readyCpuMs);
      rssReady.push(treeMemory(engine.pid).rssMiB);
      const socket = await EngineSocket.open(engine.url);
      await openLikeTheUi(socket);
      opened.push(performance.now() - t0);
      await sleep(SETTLE_MS);
      rssOpened.push(treeMemory(engine.pid).rssMiB);
      socket.close();
    } finally {
      await engine.stop();
      await rm(profile, { recursive: true, force: true });
    }
  }
  return {
    launchToReadyLineMs: summary(ready),
    cpuAtReadyLineMs: summary(readyCpu),
    launchToStoreAndEmbedderOpenMs: summary(opened),
    rssAtReadyLineMiB: summary(rssReady),
    rssAfterOpenMiB: summary(rssOpened),
  };
}

async function memory(
  target: Target,
  env: NodeJS.ProcessEnv,
  rendererDir: string,
  docsDir: string,
) {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'va-bench-engine-p-'));
  const engine = await launch(target, { ...env, VOICEASSIST_PROFILE_DIR: profile }, rendererDir);
  const sampler = new MemorySampler(engine.pid);
  try {
    const socket = await EngineSocket.open(engine.url);
    await openLikeTheUi(socket);
    await sleep(SETTLE_MS);
    const afterStart: TreeMemory = treeMemory(engine.pid);
    const t0 = performance.now();
    const done = socket.waitFor('knowledge.progress', (p) =>
      ['done', 'failed', 'cancelled'].includes((p as { phase: string }).phase),
    );
    await socket.call('knowledge.ingest', { paths: [docsDir] });
    const end = (await done) as { phase: string; filesDone: number; chunksDone: number };
    const ingestSeconds = Math.round((performance.now() - t0) / 100) / 10;
    log(
      `${target.label}: ingest ${end.phase}, ${end.filesDone} files, ${end.chunksDone} chunks in ${ingestSeconds} s`,
    );
    const afterIngest = treeMemory(engine.pid);
    for (const q of [
      'symptoms of glaucoma',
      'metformin renal dosing',
      'treatment of chronic kidney disease',
    ])
      await socket.call('knowledge.search', { query: q, k: 10 });
    await socket.call('knowledge.ask', { question: 'What are the symptoms of glaucoma?' });
    await socket.call('assistant.ask', { text: 'How is chronic kidney disease treated?' });
    await sleep(SETTLE_MS);
    const afterQueries = treeMemory(engine.pid);
    socket.close();
    return {
      ingest: {
        phase: end.phase,
        files: end.filesDone,
        chunks: end.chunksDone,
        seconds: ingestSeconds,
      },
      afterStartMiB: afterStart,
      afterIngestMiB: afterIngest,
      afterIngestAndQueriesMiB: afterQueries,
      sampledMaxRssMiB: sampler.maxRssMiB,
    };
  } finally {
    sampler.stop();
    await engine.stop();
    await rm(profile, { recursive: true, force: true });
  }
}

/**
 * `rev`'s tree in a temp folder whose node_modules links to this checkout's packages, except the
 * workspace links (@voiceassist/*): those point at `rev`'s own packages, so its build bundles its
 * own PHI package and contract rather than this checkout's.
 */
async function baseCheckout(rev: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'va-bench-engine-base-'));
  execFileSync('sh', ['-c', `git archive ${rev} | tar -x -C ${dir}`], { cwd: REPO });
  const modules = path.join(dir, 'node_modules');
  mkdirSync(path.join(modules, '@voiceassist'), { recursive: true });
  for (const entry of readdirSync(path.join(REPO, 'node_modules')))
    if (entry !== '@voiceassist')
      await symlink(path.join(REPO, 'node_modules', entry), path.join(modules, entry));
  for (const link of readdirSync(path.join(REPO, 'node_modules', '@voiceassist'))) {
    const target = readlinkSync(path.join(REPO, 'node_modules', '@voiceassist', link));
    await symlink(target, path.join(modules, '@voiceassist', link)); // relative: into `dir`
  }
  return dir;
}

function buildEngine(root: string): void {
  execFileSync(
    path.join(REPO, 'node_modules', '.bin', 'tsx'),
    [path.join(root, 'apps/desktop/scripts/build.ts'), '--skip-renderer'],
    { cwd: root, stdio: 'inherit' },
  );
}

async function main(): Promise<void> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'va-bench-engine-'));
  const rendererDir = path.join(tmp, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>bench</title>');
  const env: NodeJS.ProcessEnv = {
    ORT_DISABLE_TELEMETRY: '1',
    VOICEASSIST_MODELS_DIR: path.join(REPO, 'resources', 'models'),
    VOICEASSIST_DB_KEY: randomBytes(32).toString('hex'),
    VOICEASSIST_LOG_LEVEL: 'warn',
  };
  delete process.env.VOICEASSIST_EMBED_MODEL; // the default embedder
  delete process.env.VOICEASSIST_SERVER_URL;

  const targets: Target[] = [];
  let baseRoot: string | undefined;
  if (values.base) {
    baseRoot = await baseCheckout(values.base);
    log(`base ${values.base} in ${baseRoot}`);
    // Launched as `npm start` launched it at that commit: the built engine once start.mjs ran it
    // (1f6746f), TypeScript through tsx before.
    const startScript = execFileSync('git', ['show', `${values.base}:scripts/start.mjs`], {
      cwd: REPO,
      encoding: 'utf8',
    });
    const builtThere = startScript.includes('dist/sidecar/index.mjs');
    if (builtThere) {
      log(`building the engine of ${values.base} (dist)`);
      buildEngine(baseRoot);
    }
    targets.push({
      label: `base ${values.base} (${builtThere ? 'dist' : 'tsx'}, as npm start ran it)`,
      root: baseRoot,
      command: builtThere ? viaDist : viaTsxCli,
    });
  }
  if (!values['base-only']) {
    log("building this checkout's engine (dist)");
    buildEngine(REPO);
    targets.push({
      label: 'this checkout (dist, as npm start runs it)',
      root: REPO,
      command: viaDist,
    });
  }

  const haveData = existsSync(MEDQUAD);
  let docsDir: string | undefined;
  if (!haveData) log(`${MEDQUAD} is absent: measuring start-up only`);
  else if (!values['skip-memory']) {
    docsDir = path.join(tmp, 'docs');
    mkdirSync(docsDir);
    const lines = readFileSync(MEDQUAD, 'utf8')
      .split('\n')
      .filter((l) => l.trim());
    for (const line of lines.slice(0, DOCS)) {
      const d = JSON.parse(line) as { id: string; title: string; text: string };
      writeFileSync(path.join(docsDir, `${d.id}.md`), `# ${d.title}\n\n${d.text}\n`);
    }
  }

  const results = [];
  for (const target of targets) {
    log(`${target.label}: ${LAUNCHES} launches`);
    const loadAtStart = loadAverage();
    const start = await startup(target, env, rendererDir);
    log(
      `${target.label}: ready line p50 ${start.launchToReadyLineMs.median} ms (CPU ${start.cpuAtReadyLineMs.median} ms), open p50 ${start.launchToStoreAndEmbedderOpenMs.median} ms, RSS after open ${start.rssAfterOpenMiB.median} MiB`,
    );
    const mem = docsDir ? await memory(target, env, rendererDir, docsDir) : undefined;
    if (mem)
      log(
        `${target.label}: RSS after ingest+queries ${mem.afterIngestAndQueriesMiB.rssMiB} MiB, sampled max ${mem.sampledMaxRssMiB} MiB`,
      );
    results.push({
      target: target.label,
      loadAverage: { atStart: loadAtStart, atEnd: loadAverage() },
      startup: start,
      memory: mem ?? null,
    });
  }

  const out = {
    bench: 'engine',
    date: new Date().toISOString(),
    conditions: {
      node: process.version,
      cpus: os.cpus().length,
      loadAverage: loadAverage(),
      documents: docsDir ? DOCS : 0,
      data: haveData ? MEDQUAD : 'absent',
      embedder: 'default (VOICEASSIST_EMBED_MODEL unset: ONNX folder if present, else USE-lite)',
      launches: LAUNCHES,
      measured:
        'RSS = VmRSS summed over the launched process and its children (/proc); ready line = spawn → "workstation ready at" on stdout; cpu at ready line = user+system CPU time (waited-for children included) when that line arrived; open = spawn → health, voice.status and knowledge.sources answered',
    },
    results,
  };
  const resultsDir = path.join(REPO, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `engine-${out.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(JSON.stringify(out, null, 2));
  log(`wrote ${path.relative(REPO, file)}`);
  if (baseRoot) await rm(baseRoot, { recursive: true, force: true });
  await rm(tmp, { recursive: true, force: true });
}

await main();
