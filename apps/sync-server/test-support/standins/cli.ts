/**
 * `npm run standins -w @voiceassist/sync-server`: the three provider stand-ins on loopback ports
 * STANDIN_PORT_BASE..+2 (default 18700; 0 = any free ports), printing the environment that points
 * the server at them. STANDIN_CHUNK_DELAY_MS / STANDIN_LATENCY_MS set those faults on all three.
 */
import { startStandins } from './index.js';

const base = Number(process.env.STANDIN_PORT_BASE ?? 18_700);
const s = await startStandins(
  base === 0 ? {} : { ports: { openai: base, deepgram: base + 1, elevenlabs: base + 2 } },
);
for (const f of [s.openai.faults, s.deepgram.faults, s.elevenlabs.faults]) {
  if (process.env.STANDIN_CHUNK_DELAY_MS)
    f.chunkDelayMs = Number(process.env.STANDIN_CHUNK_DELAY_MS);
  if (process.env.STANDIN_LATENCY_MS) f.latencyMs = Number(process.env.STANDIN_LATENCY_MS);
}
console.log('provider stand-ins running; start the server with:\n');
for (const [k, v] of Object.entries(s.env)) console.log(`export ${k}=${v}`);
console.log('\nCtrl-C stops them.');
const stop = () => {
  void s.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
