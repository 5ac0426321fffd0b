/**
 * Sign-in load on loopback (issue 18): OIDC logins at a fixed arrival rate, token refreshes at a
 * fixed arrival rate, and the auth step of an authenticated gateway request. The real
 * `voiceassist-server start` (embedded PostgreSQL) and a real OpenID Provider (oidc-provider,
 * Nextcloud claims) run as their own processes; this client plays the browser over plain HTTP.
 * Client addresses come as X-Forwarded-For (the server trusts the loopback proxy), one per
 * sign-in, so the per-address limits apply as in a clinic behind a reverse proxy; two control
 * runs from a single address show the intended limits (10 logins/min, 20 refreshes/min).
 * Writes bench/results/auth.json.
 *   npx tsx bench/auth/run.ts [--login-rate 100] [--login-seconds 30] [--refresh-rate 1000]
 *                             [--refresh-seconds 10] [--auth-tokens 500] [--max-in-flight 400]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { browserLogin } from '../../apps/sync-server/test-support/oidc/idp.js';

const { values } = parseArgs({
  options: {
    'login-rate': { type: 'string', default: '100' },
    'login-seconds': { type: 'string', default: '30' },
    'refresh-rate': { type: 'string', default: '1000' },
    'refresh-seconds': { type: 'string', default: '10' },
    'auth-tokens': { type: 'string', default: '500' },
    /** Requests outstanding at once; arrivals beyond it are skipped (and counted). */
    'max-in-flight': { type: 'string', default: '400' },
  },
});
const LOGIN_RATE = Number(values['login-rate']);
const LOGIN_SECONDS = Number(values['login-seconds']);
const REFRESH_RATE = Number(values['refresh-rate']);
const REFRESH_SECONDS = Number(values['refresh-seconds']);
const AUTH_TOKENS = Number(values['auth-tokens']);
const RESULTS = path.resolve(import.meta.dirname, '..', 'results', 'auth.json');
const SERVER_DIR = path.resolve(import.meta.dirname, '..', '..', 'apps', 'sync-server');
const USERS = 50;
const PASSWORD = 'bench password 123';
const REDIRECT = 'http://127.0.0.1:49200/callback';
const MAX_IN_FLIGHT = Number(values['max-in-flight']);
const children: ChildProcess[] = [];

function spawnUntil(
  cmd: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ out: string; pid: number }> {
  const [bin = '', ...args] = cmd;
  const child = spawn(bin, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) resolve({ out, pid: child.pid ?? 0 });
    });
    child.once('exit', (code) => reject(new Error(`${cmd.join(' ')} exited ${code}`)));
  });
}

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
};
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const stats = (xs: number[]) => ({
  n: xs.length,
  p50: r3(q(xs, 0.5)),
  p95: r3(q(xs, 0.95)),
  p99: r3(q(xs, 0.99)),
  max: r3(Math.max(...xs)),
});

/** CPU seconds (user + system) of these processes and their descendants so far, from /proc. */
function cpuSeconds(roots: readonly number[], descendants = true): number {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* exited */
    }
  }
  const all = [...roots];
  if (descendants)
    for (const parent of all)
      for (const [pid, ppid] of parentOf) if (ppid === parent) all.push(pid);
  let ticks = 0;
  for (const pid of all) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11] ?? 0) + Number(f[12] ?? 0);
    } catch {
      /* exited */
    }
  }
  return ticks / 100;
}

/** One client address per index (documentation-free private range, as a proxy would report). */
const address = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

let serverUrl = '';

async function post(
  pathName: string,
  body: unknown,
  ip: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${serverUrl}${pathName}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** The error code, with the server's message for the unexpected ones (no PHI: bench users only). */
const code = (j: Record<string, unknown>) => {
  const e = j.error as { code?: string; message?: string } | undefined;
  if (!e) return 'ok';
  return e.code === 'RATE_LIMITED' ? e.code : `${e.code ?? '?'}: ${e.message ?? ''}`;
};

type Tally = Record<string, number>;
const count = (t: Tally, k: string) => (t[k] = (t[k] ?? 0) + 1);

/** Runs `job(i)` at `rate` per second for `seconds`, at most MAX_IN_FLIGHT at once. */
async function openLoop(
  rate: number,
  seconds: number,
  job: (i: number) => Promise<void>,
): Promise<{ started: number; skipped: number; wallSeconds: number }> {
  const total = Math.round(rate * seconds);
  const t0 = performance.now();
  let inFlight = 0;
  let skipped = 0;
  const running: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (inFlight >= MAX_IN_FLIGHT) {
      skipped++;
      continue;
    }
    inFlight++;
    running.push(job(i).finally(() => inFlight--));
  }
  await Promise.all(running);
  return { started: total - skipped, skipped, wallSeconds: (performance.now() - t0) / 1000 };
}

async function main(): Promise<void> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'bench-auth-'));
  const load0 = os.loadavg();
  const users = Object.fromEntries(
    Array.from({ length: USERS }, (_, i) => [
      `user${i}`,
      {
        password: PASSWORD,
        preferred_username: `user${i}`,
        email: `user${i}@clinic.example`,
        name: `User ${i}`,
        groups: ['clinicians'],
      },
    ]),
  );
  const idp = await spawnUntil(
    [process.execPath, '--import', 'tsx', path.join(SERVER_DIR, 'test-support/oidc/cli.ts')],
    { IDP_USERS: JSON.stringify(users) },
    /^\{.*\}\n/m,
  );
  const idpInfo = JSON.parse(idp.out.trim().split('\n')[0] ?? '{}') as Record<string, string>;
  const server = await spawnUntil(
    [
      process.execPath,
      // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": profile the server only
      ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
      path.join(SERVER_DIR, 'bin/voiceassist-server.mjs'),
      'start',
      '--port',
      '0',
      '--data-dir',
      tmp,
    ],
    {
      DATABASE_URL: '',
      LOG_LEVEL: 'warn',
      TRUST_PROXY: '127.0.0.1',
      OIDC_ISSUER: idpInfo.issuer ?? '',
      OIDC_CLIENT_ID: idpInfo.clientId ?? '',
      OIDC_CLIENT_SECRET: idpInfo.clientSecret ?? '',
      OIDC_GROUP_ROLES: 'clinicians=clinician',
    },
    /listening on http:\/\/\S+/,
  );
  serverUrl = /listening on (http:\/\/\S+)/.exec(server.out)?.[1] ?? '';
  const cpu = () => ({
    server: cpuSeconds([server.pid]),
    serverNode: cpuSeconds([server.pid], false),
    idp: cpuSeconds([idp.pid]),
    client: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
  });
  const cpuDelta = (a: ReturnType<typeof cpu>, b: ReturnType<typeof cpu>) => ({
    serverNode: r3(b.serverNode - a.serverNode),
    postgres: r3(b.server - b.serverNode - (a.server - a.serverNode)),
    idp: r3(b.idp - a.idp),
    benchClient: r3(b.client - a.client),
  });

  // ── Logins ──
  type Session = { refreshToken: string; accessToken: string; busy: boolean };
  const sessions: Session[] = [];
  const loginCodes: Tally = {};
  const loginTotal: number[] = [];
  const loginServer: number[] = [];
  const loginIdp: number[] = [];
  const login = async (i: number, ip: string): Promise<string> => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const t0 = performance.now();
    const start = await post(
      '/v1/auth/oidc/start',
      { redirectUri: REDIRECT, codeChallenge: challenge },
      ip,
    );
    const t1 = performance.now();
    if (start.status !== 200) return code(start.json);
    const back = await browserLogin(
      String(start.json.authorizationUrl),
      REDIRECT,
      `user${i % USERS}`,
      PASSWORD,
    );
    const t2 = performance.now();
    const finish = await post(
      '/v1/auth/oidc/finish',
      {
        state: start.json.state,
        code: back.searchParams.get('code'),
        iss: back.searchParams.get('iss') ?? undefined,
        codeVerifier: verifier,
        device: { name: `bench ${i}` },
      },
      ip,
    );
    const t3 = performance.now();
    if (finish.status !== 200) return code(finish.json);
    loginTotal.push(t3 - t0);
    loginServer.push(t1 - t0 + (t3 - t2));
    loginIdp.push(t2 - t1);
    sessions.push({
      refreshToken: String(finish.json.refreshToken),
      accessToken: String(finish.json.accessToken),
      busy: false,
    });
    return 'ok';
  };
  const c0 = cpu();
  const loginRun = await openLoop(LOGIN_RATE, LOGIN_SECONDS, async (i) => {
    const r = await login(i, address(i)).catch(
      (e: unknown) => `client error: ${(e as Error).message}`,
    );
    count(loginCodes, r);
  });
  const c1 = cpu();
  // Control: one address, 12 starts: the seeds' 10 per minute, then RATE_LIMITED.
  const oneAddress: Tally = {};
  for (let k = 0; k < 12; k++) {
    const r = await post(
      '/v1/auth/oidc/start',
      { redirectUri: REDIRECT, codeChallenge: 'A'.repeat(43) },
      '192.0.2.1',
    );
    count(oneAddress, code(r.json));
  }

  // ── Refreshes ──
  const refreshCodes: Tally = {};
  const refreshMs: number[] = [];
  let noFreeSession = 0;
  let next = 0;
  const c2 = cpu();
  const refreshRun = await openLoop(REFRESH_RATE, REFRESH_SECONDS, async (i) => {
    // Each session refreshes one at a time (a spent token presented twice would end it).
    let s: Session | undefined;
    for (let k = 0; k < sessions.length && !s; k++) {
      const c = sessions[(next + k) % sessions.length];
      if (c && !c.busy) s = c;
    }
    next++;
    if (!s) {
      noFreeSession++;
      return;
    }
    s.busy = true;
    const t0 = performance.now();
    try {
      const r = await post(
        '/v1/auth/refresh',
        { refreshToken: s.refreshToken },
        address(100_000 + (i % 8192)),
      );
      refreshMs.push(performance.now() - t0);
      count(refreshCodes, code(r.json));
      if (r.status === 200) {
        s.refreshToken = String(r.json.refreshToken);
        s.accessToken = String(r.json.accessToken);
      }
    } catch (e) {
      count(refreshCodes, `client error: ${(e as Error).message}`);
    } finally {
      s.busy = false;
    }
  });
  const c3 = cpu();
  const oneAddressRefresh: Tally = {};
  const s0 = sessions[0];
  for (let k = 0; k < 22 && s0; k++) {
    const r = await post('/v1/auth/refresh', { refreshToken: s0.refreshToken }, '192.0.2.2');
    count(oneAddressRefresh, code(r.json));
    if (r.status === 200) s0.refreshToken = String(r.json.refreshToken);
  }

  // ── The auth step of an authenticated gateway request (server-timing `auth`) ──
  // A second instance on the same database verifies tokens instance A issued: its first use of
  // each is the cold path (signature checked); A itself remembers the tokens it signed.
  const ownerUrl = (
    await spawnUntil(
      [
        process.execPath,
        path.join(SERVER_DIR, 'bin/voiceassist-server.mjs'),
        'db',
        'url',
        '--superuser',
        '--data-dir',
        tmp,
      ],
      { DATABASE_URL: '' },
      /^postgres:\/\/\S+\n/m,
    )
  ).out.trim();
  const b = await spawnUntil(
    [
      process.execPath,
      path.join(SERVER_DIR, 'bin/voiceassist-server.mjs'),
      'start',
      '--port',
      '0',
      '--data-dir',
      path.join(tmp, 'b'),
    ],
    { DATABASE_URL: ownerUrl, LOG_LEVEL: 'warn' },
    /listening on http:\/\/\S+/,
  );
  const urlB = /listening on (http:\/\/\S+)/.exec(b.out)?.[1] ?? '';
  const authStatus: Tally = {};
  const requestMs: number[] = [];
  const timed = async (base: string, token: string, into: number[]) => {
    const t0 = performance.now();
    const res = await fetch(`${base}/v1/providers`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await res.arrayBuffer();
    requestMs.push(performance.now() - t0);
    count(authStatus, String(res.status));
    const dur = /auth;dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1];
    if (dur) into.push(Number(dur));
  };
  const tokens = sessions.slice(0, AUTH_TOKENS).map((s) => s.accessToken);
  const issuingInstance: number[] = [];
  const otherFirst: number[] = [];
  const otherRepeated: number[] = [];
  for (const t of tokens) await timed(serverUrl, t, issuingInstance);
  for (const t of tokens) await timed(urlB, t, otherFirst); // signature verified
  for (let k = 0; k < 4; k++) for (const t of tokens) await timed(urlB, t, otherRepeated);

  const report = {
    conditions: {
      at: new Date().toISOString(),
      cpus: os.cpus().length,
      node: process.version,
      loadAvg1mBefore: r3(load0[0] ?? 0),
      loadAvg1mAfter: r3(os.loadavg()[0] ?? 0),
      note: 'server (+ embedded PostgreSQL), IdP and this client share the machine; X-Forwarded-For gives each sign-in its own client address; rate limits are the defaults (10 logins/min, 5 enrolments/h, 20 refreshes/min per address)',
    },
    logins: {
      what: 'OIDC sign-in: POST /v1/auth/oidc/start, the IdP login over HTTP (browser part), POST /v1/auth/oidc/finish (code exchange, ID token check, user + device enrolment, session, audit); ms',
      requestedPerSecond: LOGIN_RATE,
      maxInFlight: MAX_IN_FLIGHT,
      seconds: LOGIN_SECONDS,
      started: loginRun.started,
      skippedAtInFlightCap: loginRun.skipped,
      completedPerSecond: r3((loginCodes.ok ?? 0) / loginRun.wallSeconds),
      outcomes: loginCodes,
      totalMs: stats(loginTotal),
      serverPartMs: stats(loginServer),
      idpPartMs: stats(loginIdp),
      cpuSeconds: cpuDelta(c0, c1),
      oneAddressControl: oneAddress,
    },
    refreshes: {
      what: 'POST /v1/auth/refresh (rotation in one transaction, audit row, new access token); ms',
      requestedPerSecond: REFRESH_RATE,
      seconds: REFRESH_SECONDS,
      sessions: sessions.length,
      started: refreshRun.started,
      skippedAtInFlightCap: refreshRun.skipped,
      noFreeSession,
      completedPerSecond: r3((refreshCodes.ok ?? 0) / refreshRun.wallSeconds),
      outcomes: refreshCodes,
      latencyMs: stats(refreshMs),
      cpuSeconds: cpuDelta(c2, c3),
      oneAddressControl: oneAddressRefresh,
    },
    authStep: {
      what: "server-timing 'auth' of GET /v1/providers: JWT verification, revocation state, role check, inside the server; ms",
      firstUseOnIssuingInstance: stats(issuingInstance),
      firstUseOnAnotherInstance: stats(otherFirst),
      repeatedUseOnAnotherInstance: stats(otherRepeated),
      wholeRequestMs: stats(requestMs),
      statuses: authStatus,
      goalP99Ms: 1,
    },
  };
  await mkdir(path.dirname(RESULTS), { recursive: true });
  await writeFile(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify(report, null, 2));
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 3000));
  await rm(tmp, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  for (const c of children) c.kill('SIGTERM');
  process.exitCode = 1;
});
