/**
 * What opening connections at key-down saves (`preconnect` in packages/http-client, used by the
 * engine towards the gateway and by the gateway towards the providers): time from sending a
 * request (a 6 KB JSON POST, like a chat request) to the first byte of its answer when the
 * connection had to be opened for it, against the same request on a connection opened 350 ms
 * earlier, over HTTP and over HTTPS (TLS 1.3, a self-signed P-256 certificate made with openssl
 * for the run). The server is its own process and answers at once, so the difference is the
 * connection's cost on this machine: kernel handshake, TLS key exchange and certificate check,
 * and the client's and server's connection setup. Over a real network each new connection also
 * costs one round trip (TCP) plus one (TLS 1.3), which loopback cannot show. Cold and warm
 * samples alternate; each uses a new connection pool. Writes bench/results/preconnect.json.
 *   npx tsx bench/gateway/preconnect.ts [--samples N]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Agent } from 'undici';
import { preconnect, requestFetch } from '../../packages/http-client/src/index.js';
import { distribution, now, round, type Distribution } from '../voice/stats.js';

const { values } = parseArgs({ options: { samples: { type: 'string', default: '40' } } });
const SAMPLES = Number(values.samples);
const IDLE_MS = 350;
const RESULTS = path.resolve(import.meta.dirname, '..', 'results', 'preconnect.json');

/** The server process: HTTP and HTTPS on loopback, answering every request with one SSE event. */
const SERVER = `
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
const dir = process.argv[1];
const handler = (req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end('data: {"choices":[]}\\n\\n');
  });
};
const plain = http.createServer(handler);
const tls = https.createServer(
  { key: readFileSync(dir + '/key.pem'), cert: readFileSync(dir + '/cert.pem') },
  handler,
);
for (const s of [plain, tls]) s.keepAliveTimeout = 60_000;
await new Promise((r) => plain.listen(0, '127.0.0.1', r));
await new Promise((r) => tls.listen(0, '127.0.0.1', r));
process.send({ http: plain.address().port, https: tls.address().port });
`;

const BODY = JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(6_000) }] });

async function sample(origin: string, ca: string | undefined, warm: boolean): Promise<number> {
  const agent = new Agent({ keepAliveTimeout: 60_000, ...(ca ? { connect: { ca } } : {}) });
  const f = requestFetch({ dispatcher: agent });
  try {
    if (warm && (await preconnect(f, `${origin}/health`, 1)) !== 1)
      throw new Error('preconnect failed');
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const t = now();
    const res = await f(`${origin}/v1/llm/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: BODY,
    });
    const reader = res.body?.getReader();
    await reader?.read();
    const ms = now() - t;
    await reader?.cancel();
    return ms;
  } finally {
    await agent.close();
  }
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'va-preconnect-'));
let child: ChildProcess | undefined;
try {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      ...'req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1'.split(' '),
      ...['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      ...['-keyout', key, '-out', cert],
    ],
    { stdio: 'ignore' },
  );
  const ca = readFileSync(cert, 'utf8');
  const server = spawn(process.execPath, ['--input-type=module', '-e', SERVER, dir], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child = server;
  const ports = await new Promise<{ http: number; https: number }>((resolve, reject) => {
    server.once('message', (m) => resolve(m as { http: number; https: number }));
    server.once('exit', (code) => reject(new Error(`server exited (${String(code)})`)));
  });
  const result: Record<string, { cold: Distribution; warm: Distribution; saved: number }> = {};
  for (const [name, origin, trust] of [
    ['http', `http://127.0.0.1:${ports.http}`, undefined],
    ['https', `https://127.0.0.1:${ports.https}`, ca],
  ] as const) {
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < SAMPLES + 4; i++) {
      const c = await sample(origin, trust, false);
      const w = await sample(origin, trust, true);
      if (i < 4) continue; // warm-up
      cold.push(c);
      warm.push(w);
    }
    const d = { cold: distribution(cold), warm: distribution(warm) };
    result[name] = { ...d, saved: d.cold.median - d.warm.median };
    console.log(
      `${name}: request → first byte on a new connection p50 ${round(d.cold.median, 2)} / p95 ${round(d.cold.p95, 2)} ms; on a preconnected one p50 ${round(d.warm.median, 2)} / p95 ${round(d.warm.p95, 2)} ms; saved per connection (p50) ${round(result[name].saved, 2)} ms`,
    );
  }
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(
    RESULTS,
    `${JSON.stringify({ at: new Date().toISOString(), samples: SAMPLES, idleMs: IDLE_MS, ...result }, null, 2)}\n`,
  );
  console.log(`wrote ${path.relative(process.cwd(), RESULTS)}`);
} finally {
  child?.kill();
  rmSync(dir, { recursive: true, force: true });
}
