#!/usr/bin/env node
// `npm run bench`: runs every bench/<area>/run.ts (each writes JSON to bench/results/ and compares
// against a baseline measured in the same run). `npm run bench -- knowledge` runs one area.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, ensureNodeModules, prepareResources } from './lib/setup.mjs';

ensureNodeModules();
prepareResources();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('-'));
const benchDir = path.join(REPO_ROOT, 'bench');
const areas = existsSync(benchDir)
  ? readdirSync(benchDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(path.join(benchDir, d.name, 'run.ts')))
      .map((d) => d.name)
      .filter((name) => wanted.length === 0 || wanted.includes(name))
  : [];
if (areas.length === 0) {
  console.log('no benchmarks yet');
  process.exit(0);
}
mkdirSync(path.join(benchDir, 'results'), { recursive: true });
let failed = 0;
for (const area of areas) {
  console.log(`\n── bench/${area}`);
  const r = spawnSync(
    path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
    [path.join(benchDir, area, 'run.ts'), ...passThrough],
    { cwd: REPO_ROOT, stdio: 'inherit', env: { ...process.env, ORT_DISABLE_TELEMETRY: '1' } },
  );
  if (r.status !== 0) failed += 1;
}
console.log(`\nresults in bench/results/ (${areas.length - failed} of ${areas.length} areas ok)`);
process.exitCode = failed ? 1 : 0;
