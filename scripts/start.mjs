#!/usr/bin/env node
// `npm start`: the whole workstation on embedded defaults — the sync server (with an embedded real
// PostgreSQL), the engine, and the UI. The UI opens in Electron where Electron can run; otherwise
// the same UI is served in web mode on loopback and its address is printed with the reason.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { buildIsCurrent, sourceStamp, writeStamp } from './lib/build-stamp.mjs';
import {
  REPO_ROOT,
  checkNodeVersion,
  ensureNodeModules,
  ensureSpeechPackages,
  log,
  prepareResources,
} from './lib/setup.mjs';

checkNodeVersion();
ensureSpeechPackages();
ensureNodeModules();
prepareResources();

const DATA_DIR = path.resolve(process.env.VOICEASSIST_HOME ?? path.join(REPO_ROOT, '.voiceassist'));
const SERVER_DIR = path.join(DATA_DIR, 'server');
const PROFILE_DIR = path.join(DATA_DIR, 'profile');
mkdirSync(SERVER_DIR, { recursive: true });
mkdirSync(PROFILE_DIR, { recursive: true });
const MODELS_DIR = path.join(REPO_ROOT, 'resources', 'models');
const bin = (name) => path.join(REPO_ROOT, 'node_modules', '.bin', name);
const env = { ...process.env, ORT_DISABLE_TELEMETRY: '1' };

/** @type {import('node:child_process').ChildProcess[]} */
const children = [];
let stopping = false;

function shutdown(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children.reverse()) if (child.exitCode === null) child.kill('SIGTERM');
  const deadline = setTimeout(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    process.exit(code);
  }, 10_000);
  deadline.unref();
  Promise.all(
    children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)),
  ).then(() => process.exit(code));
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));
process.on('SIGHUP', () => shutdown(0)); // terminal closed

/** Starts a child and resolves with the first stdout line matching `ready`; stdout/stderr pass through. */
function startChild(name, command, args, ready, extraEnv = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      env: { ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let settled = false;
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const match = ready.exec(line);
      if (!settled && match) {
        settled = true;
        resolve(match);
      } else if (process.env.VOICEASSIST_VERBOSE) {
        process.stderr.write(`[${name}] ${line}\n`);
      }
    });
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (!settled || process.env.VOICEASSIST_VERBOSE) process.stderr.write(`[${name}] ${line}\n`);
    });
    child.once('exit', (code, signal) => {
      if (!settled) {
        settled = true;
        reject(
          new Error(
            `${name} exited before it was ready (${signal ?? `exit ${code}`}); its output is above`,
          ),
        );
      } else if (!stopping) {
        log(`${name} stopped unexpectedly (${signal ?? `exit ${code}`}); shutting down`);
        shutdown(1);
      }
    });
  });
}

/**
 * First start: enrol this workstation with its own server, as an admin would with
 * `voiceassist-server device add`; the engine reads the key from the profile (0600).
 */
function enrolDevice() {
  const keyFile = path.join(PROFILE_DIR, 'device.key');
  if (existsSync(keyFile)) return;
  log('enrolling this workstation with the sync server (first start)');
  const r = spawnSync(
    process.execPath,
    [
      'apps/sync-server/bin/voiceassist-server.mjs',
      'device',
      'add',
      '--user',
      process.env.USER ?? 'clinician',
      '--data-dir',
      SERVER_DIR,
    ],
    { cwd: REPO_ROOT, env, encoding: 'utf8' },
  );
  const key = r.stdout.trim().split('\n').pop()?.trim();
  if (r.status !== 0 || !key) {
    log(
      `could not enrol this workstation (exit ${r.status}); voice and cloud answers stay off:\n${r.stderr}`,
    );
    return;
  }
  writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
}

/** Why Electron cannot run here, or null when it can. */
function electronUnavailableReason() {
  const electronBin = path.join(
    REPO_ROOT,
    'node_modules',
    'electron',
    'dist',
    process.platform === 'win32' ? 'electron.exe' : 'electron',
  );
  if (!existsSync(electronBin)) {
    return 'no Electron binary is installed (its download is disabled on machines without internet access)';
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'no display (DISPLAY/WAYLAND_DISPLAY unset)';
  }
  return null;
}

/**
 * Builds the app into apps/desktop/dist (UI, engine, Electron main and preload) unless it was
 * already built from these exact sources: the engine then runs as plain Node from its bundle, not
 * TypeScript through a loader (faster to start, less memory).
 */
function buildDesktop() {
  const stamp = sourceStamp(REPO_ROOT);
  if (buildIsCurrent(REPO_ROOT, stamp)) {
    log('the app build is current (sources unchanged); not rebuilding');
    return;
  }
  log('building the app (UI and engine)');
  const built = spawnSync(bin('tsx'), ['apps/desktop/scripts/build.ts'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env,
  });
  if (built.status !== 0) throw new Error('the app build failed; see above');
  writeStamp(REPO_ROOT, stamp);
}

try {
  buildDesktop();

  log('starting the sync server (embedded PostgreSQL on first run takes a few seconds)');
  const [, serverUrl] = await startChild(
    'server',
    process.execPath,
    [
      'apps/sync-server/bin/voiceassist-server.mjs',
      'start',
      '--port',
      process.env.VOICEASSIST_SERVER_PORT ?? '0',
      '--data-dir',
      SERVER_DIR,
    ],
    /listening on (http:\/\/\S+)/,
  );

  enrolDevice();
  const engineEnv = {
    VOICEASSIST_SERVER_URL: serverUrl,
    VOICEASSIST_PROFILE_DIR: PROFILE_DIR,
    VOICEASSIST_MODELS_DIR: process.env.VOICEASSIST_MODELS_DIR ?? MODELS_DIR,
  };
  const reason = electronUnavailableReason();
  if (reason === null) {
    const electron = spawn(
      path.join(REPO_ROOT, 'node_modules', '.bin', 'electron'),
      ['apps/desktop'],
      {
        cwd: REPO_ROOT,
        env: { ...env, ...engineEnv },
        stdio: 'inherit',
      },
    );
    children.push(electron);
    electron.once('exit', () => shutdown(0));
    console.log(
      `\nVoiceAssist Workstation is running in Electron.\n  sync server  ${serverUrl}\n  data         ${DATA_DIR}\n`,
    );
  } else {
    const [, uiUrl] = await startChild(
      'engine',
      process.execPath,
      [
        'apps/desktop/dist/sidecar/index.mjs',
        '--web',
        '--port',
        process.env.VOICEASSIST_UI_PORT ?? '0',
        '--renderer-dir',
        'apps/desktop/dist/renderer',
      ],
      /(http:\/\/127\.0\.0\.1:\d+\/\S*)/,
      engineEnv,
    );
    console.log(
      [
        '',
        'VoiceAssist Workstation is running (web mode).',
        `  open the UI   ${uiUrl}`,
        `                (works once; for another link while this runs: npx voiceassist open${
          process.env.VOICEASSIST_HOME ? ` --profile ${PROFILE_DIR}` : ''
        })`,
        `  sync server   ${serverUrl}  (embedded PostgreSQL, data in ${SERVER_DIR})`,
        `  profile       ${PROFILE_DIR}`,
        `  why web mode  ${reason}; the same UI runs in any Chromium-based browser on this machine.`,
        '',
        'Press Ctrl+C to stop.',
        '',
      ].join('\n'),
    );
  }
} catch (err) {
  log(err instanceof Error ? err.message : String(err));
  shutdown(1);
}
