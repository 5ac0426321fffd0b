/**
 * Test helper run as a child process by sidecar/files/sync.test.ts: syncs a Nextcloud folder
 * (through the sync server) into an encrypted store, printing one progress line per ingested file,
 * so the parent can `kill -9` it mid-sync. Embedding is slowed down to widen the window.
 */
import { NextcloudClient } from '../../src/sidecar/calendar/nextcloud-client.js';
import { syncFolders } from '../../src/sidecar/files/sync.js';
import type { Embedder } from '../../src/sidecar/knowledge/embed/embedder.js';
import { HashingEmbedder } from '../../src/sidecar/knowledge/hashing-embedder.js';
import { KnowledgeBase } from '../../src/sidecar/knowledge/kb.js';

const [serverUrl, deviceKey, file, keyHex, stateFile, stagingDir, root] = process.argv.slice(2);
if (!serverUrl || !deviceKey || !file || !keyHex || !stateFile || !stagingDir || !root) {
  throw new Error('usage: sync-child URL KEY DB KEYHEX STATE STAGING ROOT');
}
const inner = new HashingEmbedder();
const slow: Embedder = {
  id: inner.id,
  dimension: inner.dimension,
  maxBatchSize: 2,
  async embed(texts, signal) {
    await new Promise((r) => setTimeout(r, 15));
    return inner.embed(texts, signal);
  },
  close: () => inner.close(),
};
const kb = KnowledgeBase.open({ file, key: Buffer.from(keyHex, 'hex'), embedder: slow });
const client = new NextcloudClient({ serverUrl, token: () => deviceKey });
await syncFolders(client, kb, {
  roots: [root],
  stateFile,
  stagingDir,
  folderEtagsCoverSubtree: false,
  onProgress: (p) =>
    process.stdout.write(`${JSON.stringify({ filesDone: p.filesDone, phase: p.phase })}\n`),
});
await kb.close();
