#!/usr/bin/env node
// `voiceassist`: the engine without UI. Runs from TypeScript source through tsx so `npx voiceassist`
// works straight after `npm install`, with no build step in between.
import { fileURLToPath } from 'node:url';

process.env.ORT_DISABLE_TELEMETRY ??= '1'; // ONNX Runtime must not phone home from a clinical machine
// The launcher names the model folder (the engine never guesses it from its own source path):
// this checkout's resources/models, unless the caller chose another.
process.env.VOICEASSIST_MODELS_DIR ||= fileURLToPath(
  new URL('../../../resources/models', import.meta.url),
);
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../src/sidecar/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
