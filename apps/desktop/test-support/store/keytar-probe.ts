/**
 * Test helper run in a child process inside a D-Bus session: resolves the store key through the
 * real OS keychain (keytar) and prints which store answered and a fingerprint (never the key).
 */
import { createHash } from 'node:crypto';
import { KeytarKeyStore, resolveDatabaseKey } from '../../src/sidecar/store/keystore.js';

const r = await resolveDatabaseKey([new KeytarKeyStore('voiceassist-test', 'profile-default')], {
  allowCreate: true,
  log: { info: (m) => process.stderr.write(`${m}\n`), warn: (m) => process.stderr.write(`${m}\n`) },
});
const fingerprint = createHash('sha256').update(r.key).digest('hex').slice(0, 16);
process.stdout.write(`${JSON.stringify({ kind: r.kind, created: r.created, fingerprint })}\n`);
