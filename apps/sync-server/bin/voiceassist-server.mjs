#!/usr/bin/env node
// `voiceassist-server`: runs from TypeScript source through tsx so `npx voiceassist-server` works
// straight after `npm install`, with no build step in between.
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
