#!/usr/bin/env node
// Loads each native module the engine uses and prints one line per module: ok, or why not.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const checks = {
  'better-sqlite3-multiple-ciphers': (m) => {
    const db = new m(':memory:');
    const { v } = db.prepare('select sqlite_version() as v').get();
    db.close();
    return `SQLite ${v}`;
  },
  'sqlite-vec': (m) => `extension at ${m.getLoadablePath()}`,
  'onnxruntime-node': (m) => `ONNX Runtime ${m.env.versions?.node ?? 'loaded'}`,
  keytar: () => 'loaded',
  'uiohook-napi': () => 'loaded',
};

process.env.ORT_DISABLE_TELEMETRY = '1';
let failed = 0;
console.log(
  `Node ${process.version}, module ABI ${process.versions.modules}, N-API ${process.versions.napi}`,
);
for (const [name, describe] of Object.entries(checks)) {
  try {
    console.log(`ok    ${name.padEnd(32)} ${describe(require(name))}`);
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    const absent = err?.code === 'MODULE_NOT_FOUND' && message.includes(`'${name}'`);
    if (!absent) failed += 1;
    console.log(
      `${absent ? 'n/a ' : 'FAIL'}  ${name.padEnd(32)} ${absent ? 'not installed' : message}`,
    );
  }
}
process.exitCode = failed ? 1 : 0;
