#!/usr/bin/env node
// `npm test`: provisions a fresh machine (Debian packages for the real servers and browser, npm
// dependencies), then runs every check: lint, typecheck, unit + integration + browser tests.
// Ends with one summary line `N passed, N failed` that CI and people can read.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DEBIAN_PACKAGES,
  REPO_ROOT,
  checkNodeVersion,
  ensureDebianPackages,
  ensureNodeModules,
  log,
  prepareResources,
} from './lib/setup.mjs';

const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith('-')); // optional vitest filters, e.g. `npm test -- phi`

checkNodeVersion();
ensureDebianPackages([...DEBIAN_PACKAGES.build, ...DEBIAN_PACKAGES.test]);
ensureNodeModules();
prepareResources();

const bin = (name) => path.join(REPO_ROOT, 'node_modules', '.bin', name);
const env = { ...process.env, ORT_DISABLE_TELEMETRY: '1', FORCE_COLOR: process.env.CI ? '0' : '1' };

/** @type {{ name: string, ok: boolean, seconds: number }[]} */
const steps = [];
function step(name, command, commandArgs) {
  log(`── ${name}: ${[path.basename(command), ...commandArgs].join(' ')}`);
  const started = Date.now();
  const r = spawnSync(command, commandArgs, { cwd: REPO_ROOT, stdio: 'inherit', env });
  const seconds = (Date.now() - started) / 1000;
  steps.push({ name, ok: r.status === 0, seconds });
  return r.status === 0;
}

if (only.length === 0) {
  step('lint', bin('eslint'), ['.', '--max-warnings', '0']);
  step('format', bin('prettier'), ['--check', '.', '--log-level', 'warn']);
  step('typecheck', bin('tsc'), ['-b']);
}

const scratch = mkdtempSync(path.join(os.tmpdir(), 'voiceassist-test-'));
const report = path.join(scratch, 'vitest.json');
step('tests', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...only,
]);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed = r.numPassedTests ?? 0;
  // A suite that fails to load has no failed tests of its own: count it once.
  failed = r.numFailedTests || (r.numFailedTestSuites ?? 0);
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
}
rmSync(scratch, { recursive: true, force: true });

// Checks other than tests count as one test each in the summary, so a lint failure fails the line.
for (const s of steps) {
  if (s.name === 'tests') continue;
  if (s.ok) passed += 1;
  else failed += 1;
}
const testsStep = steps.find((s) => s.name === 'tests');
if (testsStep && !testsStep.ok && failed === 0) failed = 1; // the runner itself failed

process.stdout.write('\n');
for (const s of steps) {
  process.stdout.write(
    `${s.ok ? 'ok  ' : 'FAIL'}  ${s.name.padEnd(10)} ${s.seconds.toFixed(1)} s\n`,
  );
}
process.stdout.write(
  `\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
);
process.exitCode = steps.every((s) => s.ok) && failed === 0 ? 0 : 1;
