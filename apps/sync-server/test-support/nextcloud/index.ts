/**
 * A Nextcloud stand-in made of real servers, at Nextcloud's paths on one origin:
 * - Apache 2.4 (Debian `apache2`) in front, with `mod_dav`/`mod_dav_fs` serving each user's files
 *   at `/remote.php/dav/files/USER/` (basic auth, bcrypt htpasswd);
 * - Radicale (Debian `radicale`, bcrypt through `python3-bcrypt`) behind it at
 *   `/remote.php/dav/calendars/` (mod_proxy, `X-Script-Name`), so a calendar home is
 *   `/remote.php/dav/calendars/USER/` as on Nextcloud;
 * - a small Node server speaking Login Flow v2's two endpoints (and the OCS app password
 *   deletion) behind `/index.php/login/v2` and `/ocs/`.
 * Everything runs as child processes on free loopback ports in a temp folder; `stop()` ends them.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startLoginFlowStandin, type LoginFlowStandin } from './login-flow.js';

export type { LoginFlowStandin } from './login-flow.js';

export type DavUser = { name: string; password: string };

export interface NextcloudStandin {
  /** Use as NEXTCLOUD_URL. */
  readonly url: string;
  readonly dir: string;
  readonly loginFlow: LoginFlowStandin;
  /** The folder Apache serves as USER's files (write to it directly for big trees). */
  filesDir(user: string): string;
  /** Makes what a test wrote on disk readable and writable by Apache. */
  fixPermissions(): void;
  /** Creates a calendar for USER directly in Radicale's storage. */
  makeCalendar(user: string, id: string, displayName: string): void;
  /** Replaces USER's password (an app password revoked in Nextcloud). */
  setPassword(user: string, password: string): void;
  /** Stops Apache (Nextcloud "unreachable") or starts it again on the same port. */
  stopFront(): Promise<void>;
  startFront(): Promise<void>;
  stop(): Promise<void>;
}

const MODULES = '/usr/lib/apache2/modules';
const asRoot = process.getuid?.() === 0;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${what} did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function htpasswd(file: string, user: string, password: string): void {
  const r = spawnSync('htpasswd', ['-bB', '-C', '5', file, user, password], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`htpasswd failed: ${r.stderr}`);
}

function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (child?.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function radicaleConfig(dir: string, port: number): string {
  return `[server]
hosts = 127.0.0.1:${port}
[auth]
type = htpasswd
htpasswd_filename = ${dir}/htpasswd
htpasswd_encryption = bcrypt
delay = 0
[rights]
type = from_file
file = ${dir}/radicale-rights
[storage]
filesystem_folder = ${dir}/collections
[web]
type = none
[logging]
level = warning
`;
}

/** A calendar named "readonly" is read-only for its owner (the "calendar read-only" error). */
const RIGHTS = `[readonly-calendar]
user: .+
collection: {user}/readonly
permissions: r

[root]
user: .+
collection:
permissions: R

[principal]
user: .+
collection: {user}
permissions: RW

[calendars]
user: .+
collection: {user}/[^/]+
permissions: rw
`;

function apacheConfig(
  dir: string,
  port: number,
  radicalePort: number,
  loginPort: number,
  users: readonly string[],
): string {
  const mods = [
    'mpm_event',
    'authz_core',
    'authz_user',
    'authn_core',
    'authn_file',
    'auth_basic',
    'alias',
    'dav',
    'dav_fs',
    'headers',
    'rewrite',
    'proxy',
    'proxy_http',
    'mime',
  ]
    .map((m) => `LoadModule ${m}_module ${MODULES}/mod_${m}.so`)
    .join('\n');
  const perUser = users
    .map(
      (u) => `Alias /remote.php/dav/files/${u}/ ${dir}/files/${u}/
<Location /remote.php/dav/files/${u}/>
  DAV On
  AuthType Basic
  AuthName "Nextcloud"
  AuthUserFile ${dir}/htpasswd
  Require user ${u}
</Location>`,
    )
    .join('\n');
  return `ServerRoot ${dir}
ServerName 127.0.0.1
Listen 127.0.0.1:${port}
PidFile ${dir}/apache.pid
ErrorLog ${dir}/apache-error.log
LogLevel warn
${asRoot ? 'User www-data\nGroup www-data' : ''}
${mods}
DavLockDB ${dir}/davlock/lock
TypesConfig /etc/mime.types
<Directory ${dir}/files>
  Options None
  AllowOverride None
</Directory>
# A user whose storage is full: every upload is refused as Nextcloud does (507).
RewriteEngine On
RewriteCond %{REQUEST_METHOD} =PUT
RewriteRule ^/remote\\.php/dav/files/full/ - [R=507,L]
${perUser}
<Location /remote.php/dav/calendars/>
  ProxyPass http://127.0.0.1:${radicalePort}/ retry=0
  ProxyPassReverse http://127.0.0.1:${radicalePort}/
  RequestHeader set X-Script-Name /remote.php/dav/calendars
</Location>
ProxyPass /index.php/login/v2 http://127.0.0.1:${loginPort}/index.php/login/v2 retry=0
ProxyPass /ocs/ http://127.0.0.1:${loginPort}/ocs/ retry=0
`;
}

export async function startNextcloudStandin(
  users: readonly DavUser[] = [{ name: 'alice', password: 'alice-app-password' }],
): Promise<NextcloudStandin> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'va-nextcloud-'));
  chmodSync(dir, 0o777);
  const all = [...users, { name: 'full', password: 'full-app-password' }];
  const htpasswdFile = path.join(dir, 'htpasswd');
  writeFileSync(htpasswdFile, '');
  for (const u of all) {
    htpasswd(htpasswdFile, u.name, u.password);
    mkdirSync(path.join(dir, 'files', u.name), { recursive: true });
  }
  mkdirSync(path.join(dir, 'davlock'), { recursive: true });
  mkdirSync(path.join(dir, 'collections', 'collection-root'), { recursive: true });
  writeFileSync(path.join(dir, 'radicale-rights'), RIGHTS);
  const [apachePort, radicalePort] = [await freePort(), await freePort()];
  writeFileSync(path.join(dir, 'radicale.conf'), radicaleConfig(dir, radicalePort));
  const loginFlow = await startLoginFlowStandin(`http://127.0.0.1:${apachePort}`);
  const loginPort = Number(new URL(loginFlow.directUrl).port);
  writeFileSync(
    path.join(dir, 'apache.conf'),
    apacheConfig(
      dir,
      apachePort,
      radicalePort,
      loginPort,
      all.map((u) => u.name),
    ),
  );
  const fixPermissions = () => {
    spawnSync('chmod', ['-R', 'a+rwX', dir]);
  };
  fixPermissions();

  const radicale = spawn('/usr/bin/radicale', ['--config', path.join(dir, 'radicale.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let radicaleErr = '';
  radicale.stderr.on(
    'data',
    (d: Buffer) => (radicaleErr = (radicaleErr + d.toString()).slice(-4000)),
  );
  let apache: ChildProcess | undefined;
  const startFront = async () => {
    apache = spawn('/usr/sbin/apache2', ['-f', path.join(dir, 'apache.conf'), '-DFOREGROUND'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, APACHE_RUN_DIR: dir, APACHE_LOCK_DIR: dir },
    });
    let stderr = '';
    apache.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    await waitForPort(apachePort, apache, 'apache2').catch((e: unknown) => {
      let log: string;
      try {
        log = readFileSync(path.join(dir, 'apache-error.log'), 'utf8');
      } catch {
        log = '(no log)';
      }
      throw new Error(`${(e as Error).message}\n${stderr}\n${log}`);
    });
  };
  try {
    await waitForPort(radicalePort, radicale, 'radicale').catch((e: unknown) => {
      throw new Error(`${(e as Error).message}\n${radicaleErr}`);
    });
    await startFront();
  } catch (e) {
    await stopChild(radicale);
    await stopChild(apache);
    await loginFlow.close();
    throw e;
  }

  return {
    url: `http://127.0.0.1:${apachePort}`,
    dir,
    loginFlow,
    filesDir: (user) => path.join(dir, 'files', user),
    fixPermissions,
    makeCalendar: (user, id, displayName) => {
      const c = path.join(dir, 'collections', 'collection-root', user, id);
      mkdirSync(c, { recursive: true });
      writeFileSync(
        path.join(c, '.Radicale.props'),
        JSON.stringify({
          tag: 'VCALENDAR',
          'D:displayname': displayName,
          'C:supported-calendar-component-set': 'VEVENT',
        }),
      );
      fixPermissions();
    },
    setPassword: (user, password) => htpasswd(htpasswdFile, user, password),
    stopFront: () => stopChild(apache),
    startFront,
    stop: async () => {
      await stopChild(apache);
      await stopChild(radicale);
      await loginFlow.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
