/**
 * `npm run standins -w @voiceassist/sync-server`: the three provider stand-ins on fixed loopback
 * ports (override with STANDIN_PORT_BASE), printing the environment to point the server at them.
 */
import { startStandins } from './index.js';

const base = Number(process.env.STANDIN_PORT_BASE ?? 18_700);
const s = await startStandins({
  ports: { openai: base, deepgram: base + 1, elevenlabs: base + 2 },
});
console.log('provider stand-ins running; start the server with:\n');
for (const [k, v] of Object.entries(s.env)) console.log(`export ${k}=${v}`);
console.log('\nCtrl-C stops them.');
const stop = () => {
  void s.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
